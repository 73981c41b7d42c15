import type { CreateSiteFields, RecordConflictDetails, SitePatch, SiteRow, TeamEnterprises } from '../domain/rows.ts';
import { supabase } from './supabase.ts';
import { callWrite as call, type WriteResult } from './write-result.ts';

/**
 * The commander's writes to sites, over `create_site` and `save_site` (…1600_site_writes.sql:
 * versioned like the zone RPCs; the database keeps every change in `site_revisions`). Resolves,
 * never throws, for what the server refuses (see WriteResult): `conflict` when someone saved the
 * site first, `invalid` naming the field or rule.
 */
export function createSite(
  fields: CreateSiteFields,
  client = supabase,
): Promise<WriteResult<SiteRow, RecordConflictDetails>> {
  return call('create_site', { fields }, client);
}

/** Saves a patch to a site at `expectedVersion`: edits, a move (`geom`), closing (status / state 'closed'). */
export function saveSite(
  id: string,
  expectedVersion: number,
  patch: SitePatch,
  client = supabase,
): Promise<WriteResult<SiteRow, RecordConflictDetails>> {
  return call('save_site', { id, expected_version: expectedVersion, patch }, client);
}

/** Replaces the enterprises a mobile testing team serves, in one transaction. */
export function setTeamEnterprises(
  teamId: string,
  enterpriseIds: readonly string[],
  client = supabase,
): Promise<WriteResult<TeamEnterprises>> {
  return call('set_team_enterprises', { team_id: teamId, enterprise_ids: enterpriseIds }, client);
}

/** The enterprises a mobile testing team serves (staff read). */
export async function listTeamEnterprises(teamId: string, client = supabase): Promise<string[]> {
  const { data, error } = await client().from('mobile_team_enterprises').select('enterprise_id').eq('team_id', teamId);
  if (error) throw new Error(error.message);
  return (data as { enterprise_id: string }[]).map((row) => row.enterprise_id).sort();
}
