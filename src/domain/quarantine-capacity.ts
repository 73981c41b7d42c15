import type { DistrictRow, SiteRow } from './rows.ts';

/** The city's requirement: quarantine rooms per 10,000 residents (the district reached 75). */
export const REQUIRED_ROOMS_PER_10K = 40;

/** A site this full (occupied / ready) is flagged: it will turn people away within the day. */
export const NEAR_FULL_SHARE = 0.9;

export interface RoomFigures {
  total: number;
  ready: number;
  occupied: number;
  /** Ready rooms not occupied. */
  free: number;
  residents: number;
  /** Rooms (total) per 10,000 residents; null without residents. */
  per10k: number | null;
  /** Whether `per10k` reaches the requirement. */
  meets: boolean;
}

export interface QuarantineCapacity {
  /** The whole district. */
  total: RoomFigures;
  /** By sub-district, in the order given; sites outside every sub-district count in the total only. */
  byDistrict: { district: Pick<DistrictRow, 'id' | 'name' | 'name_en'>; figures: RoomFigures }[];
  /** Sites at or over NEAR_FULL_SHARE of their ready rooms, fullest first. */
  nearFull: { site: SiteRow; share: number }[];
}

type RoomSite = Pick<SiteRow, 'rooms_total' | 'rooms_ready' | 'rooms_occupied'>;

function figures(sites: readonly RoomSite[], residents: number): RoomFigures {
  let total = 0;
  let ready = 0;
  let occupied = 0;
  for (const site of sites) {
    total += site.rooms_total ?? 0;
    // A site that reports no ready count has all its rooms ready (the database allows that).
    ready += site.rooms_ready ?? site.rooms_total ?? 0;
    occupied += site.rooms_occupied ?? 0;
  }
  const per10k = residents > 0 ? (total / residents) * 10_000 : null;
  return {
    total,
    ready,
    occupied,
    free: Math.max(0, ready - occupied),
    residents,
    per10k,
    meets: per10k !== null && per10k >= REQUIRED_ROOMS_PER_10K,
  };
}

/**
 * Quarantine rooms against the requirement: rooms per 10,000 residents for the district and for
 * each sub-district (rooms of the open sites in it over its residents), rooms ready, occupied and
 * free, and the sites near full. Closed sites count for nothing: their rooms cannot be used.
 */
export function quarantineCapacity(
  sites: readonly SiteRow[],
  districts: readonly Pick<DistrictRow, 'id' | 'name' | 'name_en' | 'residents'>[],
): QuarantineCapacity {
  const usable = sites.filter((site) => site.kind === 'quarantine_site' && site.status !== 'closed');
  const residents = districts.reduce((sum, d) => sum + d.residents, 0);
  const nearFull = usable
    .flatMap((site) => {
      const ready = site.rooms_ready ?? site.rooms_total ?? 0;
      const share = ready > 0 ? (site.rooms_occupied ?? 0) / ready : 0;
      return share >= NEAR_FULL_SHARE ? [{ site, share }] : [];
    })
    .sort((a, b) => b.share - a.share || a.site.id.localeCompare(b.site.id));
  return {
    total: figures(usable, residents),
    byDistrict: districts.map(({ id, name, name_en, residents: people }) => ({
      district: { id, name, name_en },
      figures: figures(
        usable.filter((site) => site.district === id),
        people,
      ),
    })),
    nearFull,
  };
}
