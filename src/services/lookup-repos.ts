import type { MultiPolygon } from 'geojson';
import type { PublicCompoundRow } from '../domain/rows.ts';
import { readAllPages } from './paged-read.ts';
import { supabase } from './supabase.ts';

/** What search and the compound status need of a compound. */
export type SearchCompound = Pick<PublicCompoundRow, 'id' | 'name' | 'name_en' | 'district'> & { geom: MultiPolygon };

export interface DistrictName {
  id: string;
  name: string;
  name_en: string | null;
}

/** Every compound the public may see, for search: read once, on the first search. */
export function listCompounds(signal?: AbortSignal): Promise<SearchCompound[]> {
  return readAllPages<SearchCompound>('compounds', (from, to) => {
    const query = supabase().from('compounds').select('id,name,name_en,district,geom').order('id').range(from, to);
    return signal ? query.abortSignal(signal) : query;
  });
}

/** Sub-district names, for the zone list's district column (a handful of rows, no geometry). */
export function listDistrictNames(signal?: AbortSignal): Promise<DistrictName[]> {
  return readAllPages<DistrictName>('districts', (from, to) => {
    const query = supabase().from('districts').select('id,name,name_en').order('id').range(from, to);
    return signal ? query.abortSignal(signal) : query;
  });
}
