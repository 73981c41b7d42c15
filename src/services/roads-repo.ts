import { ROAD_PUBLIC_COLUMNS, type RoadRow } from '../domain/rows.ts';
import { readAllPages } from './paged-read.ts';
import { supabase } from './supabase.ts';

/**
 * Every road with what trucks need (id, class, names, one-way, speed), paged 1,000 rows a
 * request: the truck network for dispatch. The basemap's slimmed road file lacks ids, one-way
 * and speeds, so dispatch reads the table.
 */
export function listRoads(signal?: AbortSignal): Promise<RoadRow[]> {
  return readAllPages<RoadRow>('roads', (from, to) => {
    const query = supabase().from('roads').select(ROAD_PUBLIC_COLUMNS.join(',')).order('id').range(from, to);
    return signal ? query.abortSignal(signal) : query;
  });
}
