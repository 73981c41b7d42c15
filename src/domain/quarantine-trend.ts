import type { SiteRevisionRow } from './rows.ts';

export interface RoomDay {
  /** District day, `YYYY-MM-DD`. */
  day: string;
  total: number;
  ready: number;
  occupied: number;
}

const DAY_MS = 86_400_000;
const OFFSET_MS = 8 * 3_600_000;
const dayOf = (iso: string) => new Date(Date.parse(iso) + OFFSET_MS).toISOString().slice(0, 10);

/**
 * Quarantine rooms day by day from the sites' revision history: for each district day from the
 * first revision to `until`, the rooms (in all, ready, occupied) of the quarantine sites as they
 * stood at the end of that day. A closed or deleted site counts for nothing from then on, as in
 * the capacity figures.
 */
export function quarantineTrend(
  revisions: readonly Pick<SiteRevisionRow, 'site_id' | 'site_kind' | 'version' | 'op' | 'row' | 'changed_at'>[],
  until: Date,
): RoomDay[] {
  const relevant = revisions
    .filter((r) => r.site_kind === 'quarantine_site')
    .sort((a, b) => a.changed_at.localeCompare(b.changed_at) || a.version - b.version);
  if (!relevant.length) return [];
  const last = dayOf(until.toISOString());
  const sites = new Map<string, { total: number; ready: number; occupied: number } | null>();
  const days: RoomDay[] = [];
  let i = 0;
  for (let t = Date.parse(`${dayOf(relevant[0].changed_at)}T00:00:00Z`); ; t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    if (day > last) break;
    while (i < relevant.length && dayOf(relevant[i].changed_at) <= day) {
      const { site_id, op, row } = relevant[i++];
      const usable = op !== 'DELETE' && row.status !== 'closed';
      sites.set(
        site_id,
        usable
          ? {
              total: row.rooms_total ?? 0,
              ready: row.rooms_ready ?? row.rooms_total ?? 0,
              occupied: row.rooms_occupied ?? 0,
            }
          : null,
      );
    }
    let total = 0;
    let ready = 0;
    let occupied = 0;
    for (const site of sites.values()) {
      if (!site) continue;
      total += site.total;
      ready += site.ready;
      occupied += site.occupied;
    }
    days.push({ day, total, ready, occupied });
  }
  return days;
}
