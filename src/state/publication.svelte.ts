import type { DistrictName } from '../services/lookup-repos.ts';
import type { PublicMapPointer } from '../services/published-map.ts';

/**
 * The zone tiles of the map file held, and the zones changed since it (by the broadcast): the
 * map draws those from their rows on top and hides them in the tiles.
 */
export interface ZoneTiles {
  url: string;
  changed: ReadonlySet<string>;
}

/**
 * The public map's latest publication as this viewer knows it: the pointer (whose changes and
 * compounds files the changes list and the search read instead of the tables) and the
 * sub-district names that came with the map file, and its zone tiles. Null while the map reads the tables (staff,
 * or a project without the publisher).
 */
class Publication {
  pointer = $state.raw<PublicMapPointer | null>(null);
  districts = $state.raw<readonly DistrictName[] | null>(null);
  /** The held map file's zone tiles, where the publisher serves them (else the map draws the zones' rows). */
  tiles = $state.raw<ZoneTiles | null>(null);
}

export const publication = new Publication();
