import { PUBLIC_SITE_KINDS, SITE_PUBLIC_COLUMNS, ZONE_PUBLIC_COLUMNS, type PublicSiteRow, type PublicZoneRow } from '../domain/rows.ts';
import { createLiveRepo } from './live-repo.ts';

/** Active zones, public columns only: what the public map draws for everyone, staff included. */
export const publicZonesRepo = createLiveRepo<PublicZoneRow>({
  table: 'zones',
  columns: ZONE_PUBLIC_COLUMNS,
  filter: { column: 'status', values: ['active'] },
});

/** Testing sites, mobile testing teams and checkpoints, public columns only. */
export const publicSitesRepo = createLiveRepo<PublicSiteRow>({
  table: 'sites',
  columns: SITE_PUBLIC_COLUMNS,
  filter: { column: 'kind', values: PUBLIC_SITE_KINDS },
});
