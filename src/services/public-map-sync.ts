import type { Change } from '../domain/change.ts';
import { changesCover } from '../domain/changes-window.ts';
import { departuresFromRevisions, NO_DEPARTURES, type Departures } from '../domain/departures.ts';
import { advance } from '../domain/publication-sequence.ts';
import type { PublicSiteRow, PublicZoneRow } from '../domain/rows.ts';
import type { LiveCollection } from '../state/live-collection.svelte.ts';
import type { DistrictName } from './lookup-repos.ts';
import type { ZoneTiles } from '../state/publication.svelte.ts';
import {
  fetchPointer,
  fetchPublished,
  zoneTilesUrl,
  type PublicMapPointer,
  type PublishedChanges,
  type PublishedMap,
} from './published-map.ts';
import type { FeedStatus } from './realtime.ts';
import { subscribePublicFeed } from './realtime.ts';
import { startStaffSync } from './staff-sync.ts';

export interface PublicMapSyncOptions {
  zones: LiveCollection<PublicZoneRow>;
  sites: LiveCollection<PublicSiteRow>;
  /** Staff get postgres_changes (RLS per subscriber); the public gets the published files and the broadcast. */
  staff: boolean;
  /** Where the public's latest publication is recorded (state/publication.svelte.ts). */
  publication?: { pointer: PublicMapPointer | null; districts: readonly DistrictName[] | null; tiles: ZoneTiles | null };
  status(status: FeedStatus): void;
}

/** How long a viewer that saw a number skipped waits for the `published` broadcast before asking itself. */
const GAP_WAIT_MS = 1500;

/**
 * Fills the public map's collections and keeps them live; returns the teardown.
 *
 * The public: the published files (a pointer, then the content-hashed map file: static files a
 * CDN serves, no database query per viewer), then the broadcast's numbered changes on top, in
 * number order. A skipped number, a reconnection, or a `published` broadcast ahead of what is
 * held loads the newer files. Where nothing is published (a project without the publisher) the
 * map reads the tables as staff do.
 *
 * Staff: the staff feed (`startStaffSync`), as on the command and dispatch screens.
 */
export function startPublicMapSync(options: PublicMapSyncOptions): () => void {
  const { zones, sites, status } = options;
  return options.staff ? startStaffSync({ zones, sites }, status) : startPublishedSync(options);
}

type Numbered =
  | { v: number; table: 'zone'; change: Change<PublicZoneRow> }
  | { v: number; table: 'site'; change: Change<PublicSiteRow> };

function startPublishedSync({ zones, sites, publication, status }: PublicMapSyncOptions): () => void {
  const abort = new AbortController();
  const { signal } = abort;
  /** The publication number held; null until the first map file (or in table mode). */
  let version: number | null = null;
  /**
   * The map file that stands for what is held: the one loaded, or a later one announced at the
   * number held (its changes applied from the broadcast). A pointer at the same number naming
   * another file means the rows changed without a number (a bulk load): that file is loaded.
   */
  let heldMap: string | null = null;
  /** When the last change in the held map file was made (the changes applied since are newer). */
  let heldChangedAt: string | null = null;
  let pending: Numbered[] = [];
  let tables = false;
  let gapTimer: ReturnType<typeof setTimeout> | null = null;
  let queue: Promise<void> = Promise.resolve();

  const fail = (error: unknown) => {
    if (signal.aborted) return;
    zones.error = (error as Error).message;
  };

  /** A pointer's zone tiles, with no zone changed since (null where it names none). */
  const tilesOf = (pointer: PublicMapPointer): ZoneTiles | null =>
    pointer.zone_tiles ? { url: zoneTilesUrl(pointer.zone_tiles), changed: new Set() } : null;

  /** The held map file is now `pointer`'s: its zone tiles draw every zone, none changed since. */
  const hold = (pointer: PublicMapPointer) => {
    heldMap = pointer.map;
    heldChangedAt = pointer.changed_at;
    if (!publication) return;
    const tiles = tilesOf(pointer);
    const held = publication.tiles;
    if (held?.url === tiles?.url && held?.changed.size === 0) return;
    publication.tiles = tiles;
  };

  /** Zones changed since the held map file: the map draws them from their rows, not its tiles. */
  const changedSinceHeld = (ids: string[]) => {
    if (!publication?.tiles) return;
    const { url, changed } = publication.tiles;
    if (ids.some((id) => !changed.has(id))) publication.tiles = { url, changed: new Set([...changed, ...ids]) };
  };

  const flush = () => {
    if (version === null) return;
    const step = advance(version, pending);
    const changedZones: string[] = [];
    for (const item of step.apply) {
      if (item.table === 'zone') {
        zones.apply(item.change);
        changedZones.push(item.change.op === 'upsert' ? item.change.row.id : item.change.id);
      } else sites.apply(item.change);
    }
    changedSinceHeld(changedZones);
    version = step.version;
    pending = step.pending;
    if (step.gap && !gapTimer) gapTimer = setTimeout(() => ((gapTimer = null), load()), GAP_WAIT_MS);
  };

  /** Loads the latest publication unless what is held is as new; one load at a time. */
  const load = (known?: PublicMapPointer) => {
    queue = queue.then(async () => {
      if (signal.aborted) return;
      try {
        if (tables) return void (await Promise.all([zones.resync(signal), sites.resync(signal)]));
        const pointer = known ?? (await fetchPointer(signal));
        if (!pointer) {
          // Nothing published here: read the tables, then keep them in step like staff.
          tables = true;
          await Promise.all([zones.load(signal), sites.load(signal)]);
          return;
        }
        if (publication) {
          publication.pointer = pointer;
          // On the first load the map can fetch the pointer's zone tiles while the map file,
          // which the text status needs, downloads: the tiles draw what that file will hold.
          if (version === null && !publication.tiles) publication.tiles = tilesOf(pointer);
        }
        const current = (v: number) => version !== null && (v < version || (v === version && pointer.map === heldMap));
        if (current(pointer.version)) return flush();
        const map = await fetchPublished<PublishedMap>(pointer.map, signal);
        if (version !== null && map.version < version) return flush();
        const departed = heldChangedAt === null ? NO_DEPARTURES : await departuresSince(map, pointer, heldChangedAt);
        if (signal.aborted) return;
        zones.replace(map.zones, departed);
        sites.replace(map.sites);
        if (publication) publication.districts = map.districts;
        version = map.version;
        hold(pointer);
        flush();
      } catch (error) {
        fail(error);
      }
    });
  };

  /**
   * Why the zones held but not in `map` left, from the publication's changes file, so that a
   * zone withdrawn while this viewer was away is not said to be lifted; none known when that
   * file cannot be read (the map itself matters more than the words).
   */
  const departuresSince = async (map: PublishedMap, pointer: PublicMapPointer, since: string): Promise<Departures> => {
    const kept = new Set(map.zones.map((zone) => zone.id));
    const left = zones.items.filter((zone) => !kept.has(zone.id)).map((zone) => zone.id);
    if (!left.length) return NO_DEPARTURES;
    try {
      const revisions = await fetchPublished<PublishedChanges>(pointer.changes, signal);
      return departuresFromRevisions(left, revisions, changesCover(since, pointer.published_at));
    } catch {
      return NO_DEPARTURES;
    }
  };

  const receive = (item: Numbered | { v: undefined; table: 'zone' | 'site'; change: Change<never> }) => {
    if (tables || item.v === undefined) {
      // Table mode, or a database that does not number its changes: apply as they come.
      if (item.table === 'zone') zones.apply(item.change as Change<PublicZoneRow>);
      else sites.apply(item.change as Change<PublicSiteRow>);
      return;
    }
    pending.push(item as Numbered);
    flush();
  };

  load();
  const unsubscribe = subscribePublicFeed<PublicZoneRow, PublicSiteRow>({
    zone: (change, v) => receive({ v, table: 'zone', change } as Numbered),
    site: (change, v) => receive({ v, table: 'site', change } as Numbered),
    published(pointer) {
      if (publication) publication.pointer = pointer;
      // At the number held, the broadcast's changes already made what this file holds.
      if (version !== null && pointer.version === version) hold(pointer);
      else if (version === null || pointer.version > version) load(pointer);
    },
    // A (re)subscription: whatever was missed meanwhile is in a newer publication.
    subscribed: () => load(),
    status,
  });
  return () => {
    abort.abort();
    if (gapTimer) clearTimeout(gapTimer);
    unsubscribe();
  };
}
