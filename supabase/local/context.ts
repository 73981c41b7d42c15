import type { StackConfig } from './config.ts';
import type { Database } from './db.ts';
import type { Keys } from './keys.ts';

/** What every service of the local stack is built from. */
export interface StackContext {
  db: Database;
  keys: Keys;
  config: StackConfig;
  /** Base URL clients use, e.g. `http://127.0.0.1:54321` (no trailing slash). */
  url: string;
}
