import type { MultiPolygon, Polygon } from 'geojson';
import { zonesForCompound } from '../geo/zones-for-compound.ts';
import type { DeliveryStopRow, ZoneLevel } from './rows.ts';
import { startOfDistrictDay } from './district-time.ts';

export interface SealedCompound<C> {
  compound: C;
  /** The lockdown zone it is sealed by (the first, when several). */
  zoneId: string;
  /** When a delivery was last handed over there today (district day), or null. */
  deliveredAt: string | null;
}

/**
 * The compounds sealed now (their point-on-surface lies in an active lockdown zone: residents
 * may not leave, so supplies come to them), with today's delivery, if any. A dispatcher's first
 * question: who has not been supplied today.
 */
export function sealedCompounds<C extends { id: string; geom: Polygon | MultiPolygon }>(
  compounds: readonly C[],
  zones: readonly { id: string; level: ZoneLevel; status: string; geom: Polygon | MultiPolygon }[],
  stops: readonly Pick<DeliveryStopRow, 'compound_id' | 'status' | 'delivered_at'>[],
  now: Date,
): SealedCompound<C>[] {
  const lockdowns = zones.filter((zone) => zone.status === 'active' && zone.level === 'lockdown');
  const since = startOfDistrictDay(now).getTime();
  const delivered = new Map<string, string>();
  for (const stop of stops) {
    // An unreadable timestamp counts as not delivered today rather than breaking the list.
    const at = stop.delivered_at ? Date.parse(stop.delivered_at) : Number.NaN;
    if (stop.status !== 'delivered' || !stop.delivered_at || !(at >= since)) continue;
    const held = delivered.get(stop.compound_id);
    if (!held || Date.parse(held) < at) delivered.set(stop.compound_id, stop.delivered_at);
  }
  return compounds.flatMap((compound) => {
    const [zone] = zonesForCompound(compound, lockdowns);
    return zone ? [{ compound, zoneId: zone.id, deliveredAt: delivered.get(compound.id) ?? null }] : [];
  });
}

/** Households served today: the sealed compounds delivered to, in total and by sub-district. */
export function householdsServedToday<C extends { households: number; district: string | null }>(
  sealed: readonly SealedCompound<C>[],
): { total: number; byDistrict: Map<string | null, { served: number; sealed: number }> } {
  const byDistrict = new Map<string | null, { served: number; sealed: number }>();
  let total = 0;
  for (const { compound, deliveredAt } of sealed) {
    const entry = byDistrict.get(compound.district) ?? { served: 0, sealed: 0 };
    entry.sealed += compound.households;
    if (deliveredAt) {
      entry.served += compound.households;
      total += compound.households;
    }
    byDistrict.set(compound.district, entry);
  }
  return { total, byDistrict };
}
