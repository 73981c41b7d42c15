import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import {
  POINTER_NAME,
  parseZoneTileName,
  publicationFiles,
  type PublicMapPointer,
  type PublishedFile,
} from '../../functions/_shared/public-map-files.ts';
import type { Database } from '../db.ts';
import { ZoneTileCutter } from './zone-tile-cutter.ts';

const gzip = promisify(gzipCallback);

/** One published file as the storage route serves it: the bytes, gzipped once, and its ETag. */
export interface PublishedObject {
  body: Buffer;
  gzip: Buffer;
  etag: string;
  immutable: boolean;
  /** Default JSON. */
  contentType?: string;
}

/** Encoded zone tiles kept in memory: the newest are asked for most. */
const TILE_BYTES_KEPT = 64 * 2 ** 20;

export interface PublisherOptions {
  /** Changes committed within this many ms of the first are published together. */
  delayMs?: number;
  /** Map and changes files kept (memory and disk) besides the latest: viewers mid-download finish. */
  keep?: number;
}

interface PublicationRow {
  map: string;
  version: string;
  changed_at: string;
  changes: string;
  compounds: string | null;
}

/**
 * The local stack's publisher of the public map (the Edge Function's equivalent on a Supabase
 * project, docs/database.md): at start, and after every public change commits (NOTIFY
 * `public_map_published`, batched over `delayMs`), it reads what the public sees in one
 * statement, writes the content-hashed files and then the pointer into `dir` (the stack's
 * storage folder, served at /storage/v1/object/public/public-map/), keeps them in memory for
 * the storage route, and broadcasts the pointer as `published` on `public-map` so that a
 * viewer that missed a change loads the new files. A failed publication is logged and retried
 * with the next change; the files already published stay served.
 */
export class PublicMapPublisher {
  private objects = new Map<string, PublishedObject>();
  private order: string[] = [];
  private compoundsName: string | null = null;
  private compoundsStale = true;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private unlisten: (() => Promise<void>)[] = [];
  private readonly cutter: ZoneTileCutter;
  private tiles = new Map<string, PublishedObject>();
  private cutting = new Map<string, Promise<PublishedObject | undefined>>();
  private tileBytes = 0;
  pointer: PublicMapPointer | null = null;

  constructor(
    private readonly db: Database,
    private readonly dir: string,
    private readonly log: (msg: string, e?: unknown) => void,
    private readonly options: PublisherOptions = {},
  ) {
    this.cutter = new ZoneTileCutter((name) => this.objects.get(name)?.body, log);
  }

  async start(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    await mkdir(this.dir, { recursive: true });
    this.unlisten.push(await this.db.listen('public_map_published', () => this.schedule()));
    this.unlisten.push(
      await this.db.listen('public_map_compounds_changed', () => {
        this.compoundsStale = true;
        this.schedule();
      }),
    );
    await this.publish();
  }

  /** A published file by name, or undefined. */
  object(name: string): PublishedObject | undefined {
    return this.objects.get(name);
  }

  /**
   * A zone tile of a kept map file (`zones-<hash>/z/x/y.pbf`), cut when first asked for; undefined
   * for a name that is no tile, or a map file no longer kept. Every viewer asks for the tiles in
   * view as a publication is announced: requests for a tile being cut wait for that one cut.
   */
  async zoneTile(name: string): Promise<PublishedObject | undefined> {
    const cached = this.tiles.get(name);
    if (cached) {
      // Least recently used first: a hit moves to the end.
      this.tiles.delete(name);
      this.tiles.set(name, cached);
      return cached;
    }
    let cutting = this.cutting.get(name);
    if (!cutting) {
      cutting = this.cutTile(name).finally(() => this.cutting.delete(name));
      this.cutting.set(name, cutting);
    }
    return cutting;
  }

  private async cutTile(name: string): Promise<PublishedObject | undefined> {
    const parsed = parseZoneTileName(name);
    const bytes = parsed ? await this.cutter.tile(parsed.map, parsed.z, parsed.x, parsed.y) : undefined;
    if (!bytes) return undefined;
    const object = await this.encode(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      'application/vnd.mapbox-vector-tile',
    );
    this.tiles.set(name, object);
    this.tileBytes += object.body.length + object.gzip.length;
    for (const [key, old] of this.tiles) {
      if (this.tileBytes <= TILE_BYTES_KEPT) break;
      this.tiles.delete(key);
      this.tileBytes -= old.body.length + old.gzip.length;
    }
    return object;
  }

  /** Resolves when nothing is waiting to be published (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.timer || this.running) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
        this.run();
      }
      await this.running;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const stop of this.unlisten) await stop().catch(() => {});
    await this.running;
    await this.cutter.close();
  }

  private schedule(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.run();
    }, this.options.delayMs ?? 50);
  }

  private run(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.publish()
      .catch((e) => this.log('publishing the public map failed (the last publication stays served)', e))
      .finally(() => {
        this.running = null;
        if (this.again && !this.closed) {
          this.again = false;
          this.run();
        }
      });
  }

  private async publish(): Promise<void> {
    const readCompounds = this.compoundsStale || !this.compoundsName;
    this.compoundsStale = false;
    let row: PublicationRow;
    try {
      // One statement: the map and the changes are of the same moment.
      const r = await this.db.query<PublicationRow>(
        `select s::text as map, s ->> 'version' as version, s ->> 'changed_at' as changed_at,
                public.public_map_changes()::text as changes,
                case when $1 then public.public_map_compounds()::text end as compounds
           from public.public_map_snapshot() s`,
        [readCompounds],
      );
      row = r.rows[0];
    } catch (e) {
      if (readCompounds) this.compoundsStale = true;
      throw e;
    }
    const { files, pointer } = await publicationFiles({
      map: row.map,
      version: Number(row.version),
      changedAt: new Date(row.changed_at).toISOString(),
      changes: row.changes,
      compounds: row.compounds ?? { name: this.compoundsName! },
      publishedAt: new Date(),
      zoneTiles: true,
    });
    for (const file of files) await this.store(file);
    // Every viewer asks for the new zone tiles as soon as it is told: indexed from now, off this thread.
    this.cutter.index(pointer.map);
    this.compoundsName = pointer.compounds;
    this.pointer = pointer;
    await this.prune();
    await this.db
      .query(`select realtime.send($1::jsonb, 'published', 'public-map', true)`, [JSON.stringify(pointer)])
      .catch((e) => this.log('announcing the publication failed', e));
  }

  private async store(file: PublishedFile): Promise<void> {
    if (file.immutable && this.objects.has(file.name)) return;
    const object = await this.encode(Buffer.from(file.body), undefined, file.immutable);
    // Written beside and renamed: a reader of the folder never sees half a file.
    const target = join(this.dir, file.name);
    await writeFile(target + '.tmp', object.body);
    await rename(target + '.tmp', target);
    this.objects.set(file.name, object);
    if (file.immutable) this.order.push(file.name);
  }

  private async encode(body: Buffer, contentType?: string, immutable = true): Promise<PublishedObject> {
    return {
      body,
      gzip: await gzip(body, { level: 6 }),
      etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
      immutable,
      ...(contentType ? { contentType } : {}),
    };
  }

  /** Keeps the latest `keep` map and changes files, the current compounds file and the pointer. */
  private async prune(): Promise<void> {
    const keep = this.options.keep ?? 20;
    const current = this.pointer!;
    const live = new Set([POINTER_NAME, current.map, current.changes, current.compounds]);
    const byKind = (kind: string) => this.order.filter((name) => name.startsWith(kind + '-'));
    for (const name of [
      ...byKind('map').slice(0, -keep),
      ...byKind('changes').slice(0, -keep),
      ...byKind('compounds').slice(0, -2),
    ]) {
      if (live.has(name)) continue;
      this.objects.delete(name);
      this.cutter.forget(name);
      this.order = this.order.filter((n) => n !== name);
      await rm(join(this.dir, name), { force: true });
    }
    // Leftovers of an interrupted write.
    for (const name of await readdir(this.dir))
      if (name.endsWith('.tmp')) await rm(join(this.dir, name), { force: true });
  }
}
