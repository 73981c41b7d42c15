import type { PublicSiteRow, PublicZoneRow } from '../domain/rows.ts';
import { publicSitesRepo, publicZonesRepo } from '../services/map-repos.ts';
import { LiveCollection } from './live-collection.svelte.ts';

/** Active zones on the public map. */
export const zones = new LiveCollection<PublicZoneRow>(publicZonesRepo);

/** Public sites (testing, mobile testing, checkpoints). */
export const sites = new LiveCollection<PublicSiteRow>(publicSitesRepo);
