import type { MultiPolygon } from 'geojson';
import type { PublicCompoundRow } from '../domain/rows.ts';
import { readAllPages } from './paged-read.ts';
import { loadSupabase } from './load-supabase.ts';

/** What search and the compound status need of a compound. */
export type SearchCompound = Pick<PublicCompoundRow, 'id' | 'name' | 'name_en' | 'district'> & { geom: MultiPolygon };

export interface DistrictName {
  id: string;
  name: string;
  name_en: string | null;
}

/**
 * Every compound the public may see, for search: read once, on the first search, where no
 * published file lists them (supabase-js is loaded then only).
 */
export async function listCompounds(signal?: AbortSignal): Promise<SearchCompound[]> {
  const db = await loadSupabase();
  return readAllPages<SearchCompound>('compounds', (from, to) => {
    const query = db.from('compounds').select('id,name,name_en,district,geom').order('id').range(from, to);
    return signal ? query.abortSignal(signal) : query;
  });
}

/**
 * Sub-district names, for the zone list's district column (a handful of rows, no geometry), where
 * no publication carries them.
 */
export async function listDistrictNames(signal?: AbortSignal): Promise<DistrictName[]> {
  const db = await loadSupabase();
  return readAllPages<DistrictName>('districts', (from, to) => {
    const query = db.from('districts').select('id,name,name_en').order('id').range(from, to);
    return signal ? query.abortSignal(signal) : query;
  });
}
