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
  };
  files.push({ name: POINTER_NAME, body: JSON.stringify(pointer), immutable: false });
  return { files, pointer };
}

/** Whether `name` could be one of the files above: what a reader may ask the bucket for. */
export function isPublicationName(name: string): boolean {
  return name === POINTER_NAME || /^(map|changes|compounds)-[0-9a-f]{16}\.json$/.test(name);
}
