import type { MultiPolygon, Polygon } from 'geojson';
import type { ZoneImpact } from '../domain/rows.ts';
import { supabase } from './supabase.ts';

/**
 * The database's figures for a boundary (`zone_impact` RPC, over the rows the caller may see):
 * what confirms the browser's figures after a save. Null when the server could not answer.
 */
export async function zoneImpactOnServer(geom: Polygon | MultiPolygon): Promise<ZoneImpact | null> {
  const { data, error } = await supabase().rpc('zone_impact', { geom });
  return error ? null : (data as ZoneImpact);
}
