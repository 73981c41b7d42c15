/**
 * The published public map's files (docs/database.md, "The published public map"): what the
 * local stack's publisher and the Supabase Edge Function both write to the `public-map` bucket.
 * Pure (Web Crypto only), so Node and Deno run the same code.
 *
 * - `map-<hash>.json`: `public_map_snapshot()`: publication number, active zones, public sites,
 *   sub-district names. Content-hashed: cacheable for ever.
 * - `changes-<hash>.json`: `public_map_changes()`: the revisions "what changed today" reads.
 * - `compounds-<hash>.json`: `public_map_compounds()`: what compound search reads.
 * - `latest.json`: the pointer to the three, with the publication number. Revalidated.
 * - `zones-<hash>/{z}/{x}/{y}.pbf` (local stack): the map file's zones as vector tiles, cut on
 *   demand; `<hash>` is the map file's. Named in the pointer where the publisher serves them.
 */

export const PUBLIC_MAP_BUCKET = 'public-map';
export const POINTER_NAME = 'latest.json';

/** The pointer a viewer reads first; the `published` broadcast carries the same object. */
export interface PublicMapPointer {
  /** The publication number of `map` (gap-free, in commit order). */
  version: number;
  /** When the database took that number (the last public change). */
  changed_at: string;
  /** When these files were written. */
  published_at: string;
  map: string;
  changes: string;
  compounds: string;
  /**
   * The URL template of the map file's zones as vector tiles, relative to the bucket, where
   * this publisher serves them (the local stack); absent otherwise, and the map then draws the
   * zones from the map file.
   */
  zone_tiles?: string;
}

export interface PublishedFile {
  name: string;
  body: string;
  /** Content-hashed names never change: a CDN may keep them for ever. The pointer may not. */
  immutable: boolean;
}

/** `<kind>-<first 16 hex digits of the body's SHA-256>.json`. */
export async function contentName(kind: string, body: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body));
  const hex = [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${kind}-${hex.slice(0, 16)}.json`;
}

export interface PublicationInput {
  /** `public_map_snapshot()` as JSON text, and the number and time it carries. */
  map: string;
  version: number;
  changedAt: string;
  /** `public_map_changes()` as JSON text. */
  changes: string;
  /** `public_map_compounds()` as JSON text, or the name already published when unchanged. */
  compounds: string | { name: string };
  publishedAt: Date;
  /** Whether the publisher serves the map file's zones as tiles (`zoneTilesTemplate`). */
  zoneTiles?: boolean;
}

/** The files of one publication, pointer last (write it after the others). */
export async function publicationFiles(input: PublicationInput): Promise<{ files: PublishedFile[]; pointer: PublicMapPointer }> {
  const files: PublishedFile[] = [];
  const named = async (kind: string, body: string) => {
    const name = await contentName(kind, body);
    files.push({ name, body, immutable: true });
    return name;
  };
  const map = await named('map', input.map);
  const changes = await named('changes', input.changes);
  const compounds = typeof input.compounds === 'string' ? await named('compounds', input.compounds) : input.compounds.name;
  const pointer: PublicMapPointer = {
    version: input.version,
    changed_at: input.changedAt,
    published_at: input.publishedAt.toISOString(),
    map,
    changes,
    compounds,
    ...(input.zoneTiles ? { zone_tiles: zoneTilesTemplate(map) } : {}),
  };
  files.push({ name: POINTER_NAME, body: JSON.stringify(pointer), immutable: false });
  return { files, pointer };
}

/** `map-<hash>.json` → `zones-<hash>/{z}/{x}/{y}.pbf`: the tiles of that file's zones. */
export function zoneTilesTemplate(mapName: string): string {
  return `${mapName.replace(/^map-/, 'zones-').replace(/\.json$/, '')}/{z}/{x}/{y}.pbf`;
}

/** A zone tile's name, parsed: the map file it belongs to and its coordinates; null if it is none. */
export function parseZoneTileName(name: string): { map: string; z: number; x: number; y: number } | null {
  const match = /^zones-([0-9a-f]{16})\/(\d{1,2})\/(\d{1,6})\/(\d{1,6})\.pbf$/.exec(name);
  if (!match) return null;
  return { map: `map-${match[1]}.json`, z: Number(match[2]), x: Number(match[3]), y: Number(match[4]) };
}

/** Whether `name` could be one of the files above: what a reader may ask the bucket for. */
export function isPublicationName(name: string): boolean {
  return name === POINTER_NAME || /^(map|changes|compounds)-[0-9a-f]{16}\.json$/.test(name);
}
