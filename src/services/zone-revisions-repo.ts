import { startOfDistrictDay } from '../domain/district-time.ts';
import { ZONE_REVISION_PUBLIC_COLUMNS, type PublicZoneRevisionRow } from '../domain/rows.ts';
import { readAllPages } from './paged-read.ts';
import { loadSupabase } from './load-supabase.ts';

const COLUMNS = ZONE_REVISION_PUBLIC_COLUMNS.join(',');
/** Zone ids per `in.(…)` filter, to keep request URLs short. */
const IDS_PER_REQUEST = 150;

/**
 * What `zoneChangesToday` needs: every revision since the district's midnight, plus each of
 * those zones' revisions that stand for its state at midnight (written before midnight, or
 * the seed load). RLS gives the public only revisions of zones that were active or lifted.
 */
export async function readRevisionsForToday(now: Date, signal?: AbortSignal): Promise<PublicZoneRevisionRow[]> {
  const midnight = startOfDistrictDay(now).toISOString();
  // Read where no publication carries today's changes (staff, a project without the publisher).
  const db = await loadSupabase();
  const table = () => db.from('zone_revisions').select(COLUMNS);
  const withSignal = <Q extends { abortSignal(signal: AbortSignal): Q }>(query: Q) => (signal ? query.abortSignal(signal) : query);

  const today = await readAllPages<PublicZoneRevisionRow>('zone_revisions', (from, to) =>
    withSignal(table().gte('changed_at', midnight).neq('change_kind', 'imported').order('id').range(from, to)),
  );
  const zoneIds = [...new Set(today.map((revision) => revision.zone_id))];
  const baselines: PublicZoneRevisionRow[] = [];
  for (let i = 0; i < zoneIds.length; i += IDS_PER_REQUEST) {
    const ids = zoneIds.slice(i, i + IDS_PER_REQUEST);
    const rows = await readAllPages<PublicZoneRevisionRow>('zone_revisions', (from, to) =>
      withSignal(
        table()
          .in('zone_id', ids)
          .or(`changed_at.lt.${midnight},change_kind.eq.imported`)
          .order('zone_id')
          .order('version', { ascending: false })
          .range(from, to),
      ),
    );
    // Newest first per zone: the first one seen is the state at midnight.
    const seen = new Set<string>();
    for (const row of rows) {
      if (seen.has(row.zone_id)) continue;
      seen.add(row.zone_id);
      baselines.push(row);
    }
  }
  return [...baselines, ...today];
}
