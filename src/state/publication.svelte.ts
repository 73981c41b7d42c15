import type { DistrictName } from '../services/lookup-repos.ts';
import type { PublicMapPointer } from '../services/published-map.ts';

/**
 * The public map's latest publication as this viewer knows it: the pointer (whose changes and
 * compounds files the changes list and the search read instead of the tables) and the
 * sub-district names that came with the map file. Null while the map reads the tables (staff,
 * or a project without the publisher).
 */
class Publication {
  pointer = $state.raw<PublicMapPointer | null>(null);
  districts = $state.raw<readonly DistrictName[] | null>(null);
}

export const publication = new Publication();
