import type { IncomingMessage } from 'node:http';
import type { StackContext } from '../context.ts';
import type { Caller } from './auth.ts';
import type { CastResolver } from './casts.ts';
import type { MediaChoice, Preferences } from './headers.ts';
import type { SchemaCache } from './schema-cache.ts';

/** What the table and RPC handlers get for one request, after authentication and header parsing. */
export interface RestRequest {
  ctx: Pick<StackContext, 'db' | 'config'>;
  cache: SchemaCache;
  casts: CastResolver;
  req: IncomingMessage;
  url: URL;
  /** The path after `/rest/v1`, e.g. `/todos`. */
  path: string;
  method: string;
  caller: Caller;
  schema: string;
  media: MediaChoice;
  prefs: Preferences;
  /** PostgREST's `db-max-rows`: the most rows one read returns (null: no cap). */
  maxRows: number | null;
  /** The parsed JSON body (undefined when empty); read lazily so GET never waits on one. */
  body: () => Promise<unknown>;
}
