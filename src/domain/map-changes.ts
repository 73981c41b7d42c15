import { NO_DEPARTURES, saysLifted, type Departures } from './departures.ts';
import type { CheckpointState, PublicSiteRow, PublicZoneRow, SiteKind, SiteStatus, ZoneLevel } from './rows.ts';

/** What the comparison reads of a zone on the public map. */
export type ZoneFacts = Pick<PublicZoneRow, 'id' | 'name' | 'name_en' | 'level' | 'geom'> & { version?: number | null };

/** What the comparison reads of a public site. */
export type SiteFacts = Pick<PublicSiteRow, 'id' | 'kind' | 'name' | 'name_en' | 'status' | 'state'> & {
  version?: number | null;
};

interface Named {
  name: string;
  name_en: string | null;
}

/**
 * One change a resident should hear about, read from two successive collections of the public
 * map. A zone that leaves the public collection is `zone_lifted`, or `zone_withdrawn` when its
 * removal said it was taken back to draft or deleted, which lifts nothing (`saysLifted`).
 */
export type MapChange =
  | (Named & { kind: 'zone_added'; level: ZoneLevel })
  | (Named & { kind: 'zone_lifted' | 'zone_withdrawn'; level: ZoneLevel })
  | (Named & { kind: 'zone_stepped_down' | 'zone_stepped_up'; from: ZoneLevel; level: ZoneLevel })
  | (Named & { kind: 'zone_reshaped'; level: ZoneLevel })
  | (Named & { kind: 'site_added' | 'site_removed'; site: SiteKind })
  | (Named & { kind: 'site_status'; status: SiteStatus })
  | (Named & { kind: 'checkpoint_state'; state: CheckpointState });

const SEVERITY: Record<ZoneLevel, number> = { lockdown: 3, control: 2, precaution: 1 };

const named = (row: Named): Named => ({ name: row.name, name_en: row.name_en });

/** Same row as far as its version tells: both carry one and it did not move. */
const sameVersion = (a: { version?: number | null }, b: { version?: number | null }) =>
  a.version != null && b.version != null && a.version === b.version;

function sameGeometry(a: ZoneFacts['geom'], b: ZoneFacts['geom']): boolean {
  return a === b || JSON.stringify(a.coordinates) === JSON.stringify(b.coordinates);
}

/**
 * What changed between two successive collections of active zones: zones added, lifted or
 * withdrawn (gone from the collection; `departures` says why, where the removal did), stepped
 * down or up a level, and redrawn. Rows whose version did not move are skipped. In the order of
 * `after`, gone zones last.
 */
export function zoneChanges(
  before: readonly ZoneFacts[],
  after: readonly ZoneFacts[],
  departures: Departures = NO_DEPARTURES,
): MapChange[] {
  const held = new Map(before.map((zone) => [zone.id, zone]));
  const changes: MapChange[] = [];
  for (const zone of after) {
    const old = held.get(zone.id);
    held.delete(zone.id);
    if (!old) {
      changes.push({ ...named(zone), kind: 'zone_added', level: zone.level });
      continue;
    }
    if (old === zone || sameVersion(old, zone)) continue;
    if (old.level !== zone.level) {
      const kind = SEVERITY[zone.level] < SEVERITY[old.level] ? 'zone_stepped_down' : 'zone_stepped_up';
      changes.push({ ...named(zone), kind, from: old.level, level: zone.level });
    }
    if (!sameGeometry(old.geom, zone.geom)) changes.push({ ...named(zone), kind: 'zone_reshaped', level: zone.level });
  }
  for (const zone of held.values()) {
    const kind = saysLifted(departures.get(zone.id)) ? 'zone_lifted' : 'zone_withdrawn';
    changes.push({ ...named(zone), kind, level: zone.level });
  }
  return changes;
}

/** A testing site without a status takes people: it counts as open. */
const statusOf = (site: SiteFacts): SiteStatus => site.status ?? 'open';
const stateOf = (site: SiteFacts): CheckpointState => site.state ?? 'open';

/**
 * What changed between two successive collections of public sites: sites added or removed, a
 * testing site opened, paused or closed, a checkpoint opened, restricted or closed. Queue lengths
 * and other figures are not news. In the order of `after`, removed sites last.
 */
export function siteChanges(before: readonly SiteFacts[], after: readonly SiteFacts[]): MapChange[] {
  const held = new Map(before.map((site) => [site.id, site]));
  const changes: MapChange[] = [];
  for (const site of after) {
    const old = held.get(site.id);
    held.delete(site.id);
    if (!old) {
      changes.push({ ...named(site), kind: 'site_added', site: site.kind });
      continue;
    }
    if (old === site || sameVersion(old, site)) continue;
    if (site.kind === 'checkpoint') {
      if (stateOf(old) !== stateOf(site))
        changes.push({ ...named(site), kind: 'checkpoint_state', state: stateOf(site) });
    } else if (statusOf(old) !== statusOf(site)) {
      changes.push({ ...named(site), kind: 'site_status', status: statusOf(site) });
    }
  }
  for (const site of held.values()) changes.push({ ...named(site), kind: 'site_removed', site: site.kind });
  return changes;
}
