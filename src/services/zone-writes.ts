import type {
  CreateZoneFields,
  PublishZoneItem,
  ZoneDraftFields,
  ZoneDraftRow,
  ZonePatch,
  ZoneRow,
} from '../domain/rows.ts';
import { supabase } from './supabase.ts';
import { callWrite as call, type WriteResult } from './write-result.ts';

export { toWriteFailure, type WriteFailure, type WriteResult } from './write-result.ts';

/*
 * The commander's writes to zones, over the RPC functions (supabase/migrations/…0800_functions.sql
 * `save_zone`, …1100_zone_drafts.sql the rest). Every function resolves, never throws for what the
 * server refuses: the caller gets the saved row, or why not.
 *
 * - `conflict`: someone saved first (PT409). `currentVersion` is the version now (the zone's, or
 *   the draft's when `details.conflict` is 'draft'; absent when the draft is gone). Reload, re-apply.
 * - `invalid`: the input was refused (PT400, a check constraint, a malformed request).
 * - `denied`: not signed in as a commander (42501, HTTP 401/403).
 * - `not_found`: no such zone, draft or revision (PT404).
 * - `network`: no answer (offline, timeout, aborted) or a server failure (5xx).
 */

/** Creates an unpublished zone (status 'draft', version 1). */
export function createZone(fields: CreateZoneFields, client = supabase): Promise<WriteResult<ZoneRow>> {
  return call('create_zone', { fields }, client);
}

/** Saves a patch to a zone at `expectedVersion` (`save_zone`): for unpublished zones; published ones take drafts. */
export function saveZone(
  id: string,
  expectedVersion: number,
  patch: ZonePatch,
  client = supabase,
): Promise<WriteResult<ZoneRow>> {
  return call('save_zone', { id, expected_version: expectedVersion, patch }, client);
}

/**
 * Saves the pending edit of a published or lifted zone. `baseVersion`: the zone version the edit
 * started from (the current one; saving a stale draft with it rebases the draft). `draftVersion`:
 * null to start a draft, else the draft version being edited.
 */
export function saveZoneDraft(
  zoneId: string,
  baseVersion: number,
  draftVersion: number | null,
  fields: ZoneDraftFields,
  client = supabase,
): Promise<WriteResult<ZoneDraftRow>> {
  return call(
    'save_zone_draft',
    { zone_id: zoneId, base_version: baseVersion, draft_version: draftVersion, fields },
    client,
  );
}

/** Deletes the draft of a zone if it is still at `draftVersion`; `row` is the discarded draft. */
export function discardZoneDraft(
  zoneId: string,
  draftVersion: number,
  client = supabase,
): Promise<WriteResult<ZoneDraftRow>> {
  return call('discard_zone_draft', { zone_id: zoneId, draft_version: draftVersion }, client);
}

/** Publishes zones all or nothing (unpublished zones become active, drafts are written onto their zones); rows by id. */
export function publishZones(items: readonly PublishZoneItem[], client = supabase): Promise<WriteResult<ZoneRow[]>> {
  return call('publish_zones', { items }, client);
}

/** Writes revision `toVersion` of a zone back as a new version, if the zone is still at `expectedVersion`. */
export function revertZone(
  id: string,
  toVersion: number,
  expectedVersion: number,
  client = supabase,
): Promise<WriteResult<ZoneRow>> {
  return call('revert_zone', { id, to_version: toVersion, expected_version: expectedVersion }, client);
}
