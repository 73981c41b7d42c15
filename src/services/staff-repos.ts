import type { SupabaseClient } from '@supabase/supabase-js';
import type { CompoundRow, SiteRow, ZoneDraftRow, ZoneRevisionRow, ZoneRow } from '../domain/rows.ts';
import { readAllPages } from './paged-read.ts';
import { supabase } from './supabase.ts';

/**
 * What staff views read: every row and column their role may see (RLS decides: commanders see
 * drafts, dispatchers get no draft rows, the public is refused `select=*`). Paged by
 * `readAllPages` (1,000 rows a request), ordered by a unique key so pages neither overlap nor
 * skip. `client` is for tests; the app uses its one client.
 */

type Getter = () => SupabaseClient;

function readTable<R>(table: string, order: string, signal: AbortSignal | undefined, client: Getter): Promise<R[]> {
  return readAllPages<R>(table, (from, to) => {
    const query = client().from(table).select('*').order(order).range(from, to);
    return signal ? query.abortSignal(signal) : query;
  });
}

/** Every zone of every status (draft, active, lifted), all columns. */
export function listStaffZones(signal?: AbortSignal, client: Getter = supabase): Promise<ZoneRow[]> {
  return readTable<ZoneRow>('zones', 'id', signal, client);
}

/** Every pending draft of a published or lifted zone (commanders; other roles get none). */
export function listZoneDrafts(signal?: AbortSignal, client: Getter = supabase): Promise<ZoneDraftRow[]> {
  return readTable<ZoneDraftRow>('zone_drafts', 'zone_id', signal, client);
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

/** Every site of every kind, all columns (quarantine rooms, depots, enterprises included). */
export function listStaffSites(signal?: AbortSignal, client: Getter = supabase): Promise<SiteRow[]> {
  return readTable<SiteRow>('sites', 'id', signal, client);
}

/** Every compound with its households, residents, boundary and drop point. */
export function listStaffCompounds(signal?: AbortSignal, client: Getter = supabase): Promise<CompoundRow[]> {
  return readTable<CompoundRow>('compounds', 'id', signal, client);
}
