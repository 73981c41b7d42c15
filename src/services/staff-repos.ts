import type { SupabaseClient } from '@supabase/supabase-js';
import type {
  CaseReportRow,
  CompoundRow,
  DeliveryRow,
  DeliveryStopRow,
  DistrictRow,
  SiteKind,
  SiteRevisionRow,
  SiteRow,
  ZoneDraftRow,
  ZoneProposalDecisionRow,
  ZoneRevisionRow,
  ZoneRow,
  ZoneRulesRow,
} from '../domain/rows.ts';
import { createLiveRepo } from './live-repo.ts';
import { readAllPages } from './paged-read.ts';
import { supabase } from './supabase.ts';

/**
 * What staff screens read: every row and column their role may see (RLS decides: commanders see
 * drafts, dispatchers get no draft rows, the public is refused `select=*`), paged 1,000 rows a
 * request. `client` is for tests; the app uses its one client.
 */
type Getter = () => SupabaseClient;

/** A zone draft keyed like the other rows: `id` is its zone's id. */
export type StaffDraft = ZoneDraftRow & { id: string };

/** Every zone of every status (draft, active, lifted), all columns. */
export const staffZonesRepo = (client: Getter = supabase) =>
  createLiveRepo<ZoneRow>({ table: 'zones', columns: ['*'] }, client);

/** Every pending draft of a published or lifted zone (commanders; other roles get none). */
export const zoneDraftsRepo = (client: Getter = supabase) =>
  createLiveRepo<StaffDraft>({ table: 'zone_drafts', columns: ['*'], key: 'zone_id' }, client);

/** Every site of every kind, all columns (quarantine rooms, depots, enterprises included). */
export const staffSitesRepo = (client: Getter = supabase) =>
  createLiveRepo<SiteRow>({ table: 'sites', columns: ['*'] }, client);

/** Every compound with its households, residents, boundary and drop point (no versions: re-imported whole). */
export const staffCompoundsRepo = (client: Getter = supabase) =>
  createLiveRepo<CompoundRow>({ table: 'compounds', columns: ['*'], versioned: false }, client);

/** The sub-districts: the district a zone must stay inside. */
export const districtsRepo = (client: Getter = supabase) =>
  createLiveRepo<DistrictRow>(
    { table: 'districts', columns: ['id', 'name', 'name_en', 'residents', 'geom'], versioned: false },
    client,
  );

/** Every supply run (dispatchers and commanders). */
export const deliveriesRepo = (client: Getter = supabase) =>
  createLiveRepo<DeliveryRow>({ table: 'deliveries', columns: ['*'] }, client);

/** Every stop of every run; stops have no version (their changes arrive as events). */
export const deliveryStopsRepo = (client: Getter = supabase) =>
  createLiveRepo<DeliveryStopRow>({ table: 'delivery_stops', columns: ['*'], versioned: false }, client);

/** Case reports per compound (staff; no personal data). */
export const caseReportsRepo = (client: Getter = supabase) =>
  createLiveRepo<CaseReportRow>({ table: 'case_reports', columns: ['*'] }, client);

/** The zone rules: one row (its id is `true`). */
export const zoneRulesRepo = (client: Getter = supabase) =>
  createLiveRepo<Omit<ZoneRulesRow, 'id'> & { id: string }>({ table: 'zone_rules', columns: ['*'] }, client);

/** Commanders' answers to the rules' proposals: a record, never changed (no versions). */
export const proposalDecisionsRepo = (client: Getter = supabase) =>
  createLiveRepo<ZoneProposalDecisionRow>(
    { table: 'zone_proposal_decisions', columns: ['*'], versioned: false },
    client,
  );

/** Every revision of the sites of one kind, oldest first (the quarantine-capacity trend). */
export function listSiteRevisions(
  kind: SiteKind,
  signal?: AbortSignal,
  client: Getter = supabase,
): Promise<SiteRevisionRow[]> {
  return readAllPages<SiteRevisionRow>('site_revisions', (from, to) => {
    const query = client()
      .from('site_revisions')
      .select('id,site_id,site_kind,version,op,row,changed_at')
      .eq('site_kind', kind)
      .order('id')
      .range(from, to);
    return signal ? query.abortSignal(signal) : query;
  });
}

/** The history of one zone, all columns, oldest version first. */
export function listZoneRevisions(
  zoneId: string,
  signal?: AbortSignal,
  client: Getter = supabase,
): Promise<ZoneRevisionRow[]> {
  return readAllPages<ZoneRevisionRow>('zone_revisions', (from, to) => {
    const query = client().from('zone_revisions').select('*').eq('zone_id', zoneId).order('version').range(from, to);
    return signal ? query.abortSignal(signal) : query;
  });
}
