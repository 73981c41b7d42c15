import { expose } from 'comlink';
import { createRoutingApi } from './routing-api.ts';

// Web Worker entry: the road graph lives here, off the main thread.
expose(createRoutingApi());
