import type { SupabaseClient } from '@supabase/supabase-js';
import {
  RPC_ERRORS,
  type CreateZoneFields,
  type PublishZoneItem,
  type VersionConflictDetails,
  type ZoneDraftFields,
  type ZoneDraftRow,
  type ZonePatch,
  type ZoneRow,
} from '../domain/rows.ts';
import { supabase } from './supabase.ts';

/**
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
export type WriteResult<R> =
  | { ok: true; row: R }
  | { ok: false; kind: 'conflict'; currentVersion?: number; message: string; details?: VersionConflictDetails }
  | { ok: false; kind: 'invalid' | 'denied' | 'not_found' | 'network'; message: string };

export type WriteFailure = Exclude<WriteResult<never>, { ok: true }>;

/** What supabase-js answers for a failed request (PostgrestError plus the HTTP status; 0 when there was no answer). */
interface ErrorReply {
  error: { code?: string; message?: string; details?: string | null; hint?: string | null } | null;
  status: number;
}

function parseDetails(details: string | null | undefined): VersionConflictDetails | undefined {
  if (!details) return undefined;
  try {
    const parsed: unknown = JSON.parse(details);
    return parsed !== null && typeof parsed === 'object' ? (parsed as VersionConflictDetails) : undefined;
  } catch {
    return undefined;
  }
}

/** Sorts a failed reply into the kinds callers act on. */
export function toWriteFailure({ error, status }: ErrorReply): WriteFailure {
  const code = error?.code ?? '';
  const message = [error?.message || `request failed (HTTP ${status})`, error?.hint].filter(Boolean).join(': ');
  if (code === RPC_ERRORS.versionConflict || status === 409) {
    const details = parseDetails(error?.details);
    const current = details?.current_version;
    return typeof current === 'number'
      ? { ok: false, kind: 'conflict', currentVersion: current, message, details }
      : { ok: false, kind: 'conflict', message, details };
  }
  if (code === RPC_ERRORS.notFound) return { ok: false, kind: 'not_found', message };
  if (code === '42501' || status === 401 || status === 403) return { ok: false, kind: 'denied', message };
  if (status === 0 || status >= 500) return { ok: false, kind: 'network', message };
  // PT400, check and not-null constraints (23xxx), bad values (22xxx), malformed requests (PGRSTxxx, 4xx)
  return { ok: false, kind: 'invalid', message };
}

async function call<R>(
  fn: string,
  args: Record<string, unknown>,
  client: () => SupabaseClient,
): Promise<WriteResult<R>> {
  try {
    const { data, error, status } = await client().rpc(fn, args);
    if (error) return toWriteFailure({ error, status });
    return { ok: true, row: data as R };
  } catch (e) {
    // supabase-js reports fetch failures in `error`; this catches a client that cannot even be made
    return { ok: false, kind: 'network', message: e instanceof Error ? e.message : String(e) };
  }
}

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
