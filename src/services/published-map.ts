import type { PublicMapPointer } from '../../supabase/functions/_shared/public-map-files.ts';
import { PUBLIC_MAP_BUCKET, POINTER_NAME } from '../../supabase/functions/_shared/public-map-files.ts';
import type { PublicSiteRow, PublicZoneRevisionRow, PublicZoneRow } from '../domain/rows.ts';
import type { DistrictName, SearchCompound } from './lookup-repos.ts';

export type { PublicMapPointer };

/** `map-<hash>.json`: what the public map shows at one publication number. */
export interface PublishedMap {
  version: number;
  changed_at: string;
  zones: PublicZoneRow[];
  sites: PublicSiteRow[];
  districts: DistrictName[];
}

/** The files' names by what they hold: `changes-<hash>.json` and `compounds-<hash>.json`. */
export type PublishedChanges = PublicZoneRevisionRow[];
export type PublishedCompounds = SearchCompound[];

/**
 * Where the published files are: the `public-map` bucket's public objects, on the API's origin
 * (the local stack serves them; a Supabase project's Storage, usually behind its CDN).
 */
function objectUrl(name: string): string {
  const api = import.meta.env.VITE_SUPABASE_URL || window.location.origin;
  return new URL(`storage/v1/object/public/${PUBLIC_MAP_BUCKET}/${name}`, api.replace(/\/*$/, '/')).href;
}

/**
 * The pointer's zone tile template as a URL MapLibre fills in: joined as text, since `URL`
 * would escape the `{z}/{x}/{y}` placeholders.
 */
export function zoneTilesUrl(template: string): string {
  return objectUrl('') + template;
}

/**
 * The pointer to the latest publication, revalidated (a 304 when unchanged), or null when
 * nothing is published there (a project without the publisher: the map reads the tables).
 */
export async function fetchPointer(signal?: AbortSignal): Promise<PublicMapPointer | null> {
  const response = await fetch(objectUrl(POINTER_NAME), { cache: 'no-cache', signal });
  if (response.status === 404 || response.status === 400) return null;
  if (!response.ok) throw new Error(`published map: HTTP ${response.status}`);
  return (await response.json()) as PublicMapPointer;
}

/** One content-hashed file: never changes, so the browser's and the CDN's caches keep it. */
export async function fetchPublished<T>(name: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(objectUrl(name), { signal });
  if (!response.ok) throw new Error(`published map ${name}: HTTP ${response.status}`);
  return (await response.json()) as T;
}
