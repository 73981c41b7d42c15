import type { Point } from 'geojson';
import type { SiteRow } from '../domain/rows.ts';
import type { SiteFields } from '../domain/site-validation.ts';
import { supabase } from './supabase.ts';
import { callWrite as call, type WriteResult } from './write-result.ts';

/** What a commander sends for a site: its edited fields and, to move it, a GeoJSON point. */
export type SitePatch = Partial<Omit<SiteFields, 'kind'>> & { geom?: Point };

/**
 * The commander's writes to sites, over `create_site` and `save_site` (versioned like the zone
 * RPCs; the database keeps every change in `site_revisions`). Resolves, never throws, for what
 * the server refuses (see WriteResult): `conflict` when someone saved the site first.
 */
export function createSite(fields: SiteFields & { geom: Point }, client = supabase): Promise<WriteResult<SiteRow>> {
  return call('create_site', { fields }, client);
}

/** Saves a patch to a site at `expectedVersion`: edits, a move (`geom`), closing (status / state 'closed'). */
export function saveSite(
  id: string,
  expectedVersion: number,
  patch: SitePatch,
  client = supabase,
): Promise<WriteResult<SiteRow>> {
  return call('save_site', { id, expected_version: expectedVersion, patch }, client);
}
