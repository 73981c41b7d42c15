import { Worker } from 'node:worker_threads';

const WORKER_URL = new URL('./zone-tile-worker.mjs', import.meta.url);

/** Map files whose zones the worker keeps indexed: the newest are asked for most. */
const INDEXES_KEPT = 2;

type Answer = { id: number; bytes: Uint8Array | null } | { id: number; error: string };

/**
 * The zone tiles of the publisher's map files, indexed and cut on a worker thread
 * (zone-tile-worker.mjs). For a city that is real work: the scale-80 city's 23 MB map file is
 * parsed and indexed in about 0.3 s, and its whole-city tile takes 0.1-0.2 s to cut. On the
 * stack's thread that stalled every request and broadcast, and it fell on the first viewer of
 * each publication. A new publication's zones are indexed as soon as it is written
 * (`index`), before viewers are told of it; tiles are then cut when first asked for.
 *
 * The worker answers in the order it is asked, so a tile asked for while its map is being
 * indexed waits for that index. If the worker dies, what was asked of it fails and the next
 * request starts a new one.
 */
export class ZoneTileCutter {
  private worker: Worker | null = null;
  /** The map files indexed in the worker, oldest first. */
  private indexed: string[] = [];
  private waiting = new Map<number, { resolve(bytes: Uint8Array | undefined): void; reject(error: Error): void }>();
  private nextId = 1;
  private closed = false;

  /** `body` gives a kept map file's bytes by name (undefined once it is no longer kept). */
  constructor(
    private readonly body: (map: string) => Uint8Array | undefined,
    private readonly log: (msg: string, e?: unknown) => void,
  ) {}

  /** Starts indexing a map file's zones (a new publication, whose tiles every viewer will ask for). */
  index(map: string): void {
    this.ensureIndexed(map);
  }

  /** A tile's bytes (empty where no zone is), or undefined for an unknown map file or no such tile. */
  tile(map: string, z: number, x: number, y: number): Promise<Uint8Array | undefined> {
    const worker = this.ensureIndexed(map);
    if (!worker) return Promise.resolve(undefined);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ op: 'tile', id, map, z, x, y });
    });
  }

  /** The map file is no longer kept: its index goes too. */
  forget(map: string): void {
    if (!this.indexed.includes(map)) return;
    this.indexed = this.indexed.filter((name) => name !== map);
    this.worker?.postMessage({ op: 'drop', map });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  /** The worker, with `map` indexed or being indexed; null when the map file is not kept. */
  private ensureIndexed(map: string): Worker | null {
    if (this.closed) return null;
    if (this.worker && this.indexed.includes(map)) return this.worker;
    const body = this.body(map);
    if (!body) return null;
    const worker = (this.worker ??= this.spawn());
    worker.postMessage({ op: 'index', map, body });
    this.indexed.push(map);
    while (this.indexed.length > INDEXES_KEPT) worker.postMessage({ op: 'drop', map: this.indexed.shift() });
    return worker;
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_URL);
    // Like the rest of the stack's work, it does not keep the process alive by itself.
    worker.unref();
    const fail = (error: Error) => {
      if (this.worker === worker) {
        this.worker = null;
        this.indexed = [];
      }
      for (const { reject } of this.waiting.values()) reject(error);
      this.waiting.clear();
    };
    worker.on('message', (answer: Answer) => {
      const waiting = this.waiting.get(answer.id);
      if (!waiting) return;
      this.waiting.delete(answer.id);
      if ('error' in answer) waiting.reject(new Error(`cutting a zone tile failed: ${answer.error}`));
      else waiting.resolve(answer.bytes ?? undefined);
    });
    worker.on('error', (error) => {
      this.log('the zone tile worker failed; the next tile starts another', error);
      fail(error);
    });
    worker.on('exit', (code) => fail(new Error(`the zone tile worker exited (${code})`)));
    return worker;
  }
}
