// @ts-check
// Cuts the public map's zone tiles for zone-tile-cutter.ts, off the stack's event loop. Plain
// JavaScript that loads zone-tiles.ts through tsx's scoped import: worker threads do not inherit
// the TypeScript loaders of tsx or vitest (README, "The database worker").
import { parentPort } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);

/**
 * @typedef {{ op: 'index'; map: string; body: Uint8Array }
 *   | { op: 'drop'; map: string }
 *   | { op: 'tile'; id: number; map: string; z: number; x: number; y: number }} Request
 */

/** @type {Request[]} Requests that came while the module loaded, answered in order after. */
const early = [];
port.on('message', (/** @type {Request} */ request) => early.push(request));

/** @type {typeof import('./zone-tiles.ts')} */
const { ZoneTiles } = await tsImport('./zone-tiles.ts', import.meta.url);

/** @type {Map<string, import('./zone-tiles.ts').ZoneTiles | Error>} Each kept map file's index, or why it could not be made. */
const indexes = new Map();
const decoder = new TextDecoder();

/** @param {Request} request */
function answer(request) {
  if (request.op === 'index') {
    try {
      indexes.set(request.map, new ZoneTiles(JSON.parse(decoder.decode(request.body)).zones));
    } catch (e) {
      indexes.set(request.map, e instanceof Error ? e : new Error(String(e)));
    }
  } else if (request.op === 'drop') {
    indexes.delete(request.map);
  } else {
    try {
      const index = indexes.get(request.map);
      if (!index) throw new Error(`${request.map} has no zone tiles here`);
      if (index instanceof Error) throw index;
      const bytes = index.tile(request.z, request.x, request.y) ?? null;
      port.postMessage({ id: request.id, bytes }, bytes?.byteLength ? [bytes.buffer] : []);
    } catch (e) {
      port.postMessage({ id: request.id, error: e instanceof Error ? e.message : String(e) });
    }
  }
}

port.removeAllListeners('message');
for (const request of early.splice(0)) answer(request);
port.on('message', answer);
