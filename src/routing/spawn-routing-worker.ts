import { createRoutingClient, type RoutingClient } from './routing-client.ts';

/**
 * Starts the routing Web Worker and returns its client. The `new URL(..., import.meta.url)`
 * form is what lets Vite bundle the worker as its own chunk; `close()` terminates it.
 */
export function spawnRoutingWorker(): RoutingClient {
  const worker = new Worker(new URL('./routing.worker.ts', import.meta.url), { type: 'module', name: 'routing' });
  return createRoutingClient(worker, () => worker.terminate());
}
