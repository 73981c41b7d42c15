import {
  PUBLIC_SITE_KINDS,
  SITE_PUBLIC_COLUMNS,
  ZONE_PUBLIC_COLUMNS,
  type PublicSiteRow,
  type PublicZoneRow,
} from '../domain/rows.ts';
import { zoneStatusDeparture } from '../domain/departures.ts';
import { createLiveRepo } from './live-repo.ts';

/**
 * Active zones, public columns only: what the public map draws for everyone, staff included.
 * Staff, whose feed says only that a row changed, learn why a zone left from its status (they
 * may read every zone), so that a zone taken back to draft is not announced as lifted.
 */
export const publicZonesRepo = createLiveRepo<PublicZoneRow>({
  table: 'zones',
  columns: ZONE_PUBLIC_COLUMNS,
  filter: { column: 'status', values: ['active'] },
  departure: { column: 'status', reason: zoneStatusDeparture },
});

/** Testing sites, mobile testing teams and checkpoints, public columns only. */
export const publicSitesRepo = createLiveRepo<PublicSiteRow>({
  table: 'sites',
  columns: SITE_PUBLIC_COLUMNS,
  filter: { column: 'kind', values: PUBLIC_SITE_KINDS },
});
