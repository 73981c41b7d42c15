import type { SupabaseClient } from '@supabase/supabase-js';
import { booleanPointInPolygon } from '@turf/turf';
import type { MultiPolygon } from 'geojson';
import { pointOnSurface } from '../../../src/geo/point-on-surface.ts';

export interface Compound {
  id: string;
  name: string;
  households: number;
  geom: MultiPolygon;
}

/** The largest compound under no active zone: drawing around it moves households into a level. */
export async function compoundOutsideZones(client: SupabaseClient): Promise<Compound> {
  const [compounds, zones] = await Promise.all([
    client.from('compounds').select('id,name,households,geom').order('households', { ascending: false }),
    client.from('zones').select('geom').eq('status', 'active'),
  ]);
  if (compounds.error || zones.error) throw new Error((compounds.error ?? zones.error)!.message);
  const found = (compounds.data as Compound[]).find((compound) => {
    const point = pointOnSurface(compound.geom);
    return !(zones.data as { geom: MultiPolygon }[]).some((zone) => booleanPointInPolygon(point, zone.geom));
  });
  if (!found) throw new Error('every compound lies in a zone');
  return found;
}
