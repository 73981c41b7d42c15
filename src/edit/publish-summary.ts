import type { MultiPolygon } from 'geojson';
import { ZONE_LEVELS, type ZoneLevel, type ZoneStatus } from '../domain/rows.ts';

/** A zone as the public sees it (before publishing) or will see it (after). */
export interface PublicZoneState {
  id: string;
  name: string;
  level: ZoneLevel;
  status: ZoneStatus;
  geom: MultiPolygon;
}

export type PublishChangeKind = 'added' | 'lifted' | 'steppedDown' | 'levelRaised' | 'reshaped' | 'updated';

export interface PublishChange {
  id: string;
  name: string;
  kind: PublishChangeKind;
  level: ZoneLevel;
  /** The level before, when it changed. */
  previousLevel: ZoneLevel | null;
}

export interface LevelShift {
  /** Compounds whose most severe level becomes this one, and their households. */
  compoundsIn: string[];
  householdsIn: number;
  /** Compounds that leave this level (to a milder one, a stricter one, or none). */
  compoundsOut: string[];
  householdsOut: number;
}

export interface PublishSummary {
  changes: PublishChange[];
  byLevel: Record<ZoneLevel, LevelShift>;
}

const severity = (level: ZoneLevel) => ZONE_LEVELS.length - ZONE_LEVELS.indexOf(level);

function kindOf(before: PublicZoneState | null, after: PublicZoneState): PublishChangeKind {
  if (!before || before.status !== 'active') return after.status === 'active' ? 'added' : 'updated';
  if (after.status !== 'active') return 'lifted';
  if (after.level !== before.level)
    return severity(after.level) < severity(before.level) ? 'steppedDown' : 'levelRaised';
  return JSON.stringify(after.geom) !== JSON.stringify(before.geom) ? 'reshaped' : 'updated';
}

/** Each compound's most severe level among active zones. */
function levels(
  zones: Iterable<PublicZoneState>,
  covered: (geom: MultiPolygon) => readonly string[],
): Map<string, ZoneLevel> {
  const result = new Map<string, ZoneLevel>();
  for (const zone of zones) {
    if (zone.status !== 'active') continue;
    for (const id of covered(zone.geom)) {
      const held = result.get(id);
      if (!held || severity(zone.level) > severity(held)) result.set(id, zone.level);
    }
  }
  return result;
}

/**
 * What the public will see change when these drafts are published: each zone added, reshaped,
 * stepped down or lifted, and per level the compounds (and households) newly in it or out of it.
 * A compound counts under its most severe zone, as its residents live under that rule.
 * `covered` answers which compounds a boundary covers (the impact index).
 */
export function publishSummary(
  published: readonly PublicZoneState[],
  pending: readonly PublicZoneState[],
  covered: (geom: MultiPolygon) => readonly string[],
  households: (compoundId: string) => number,
): PublishSummary {
  const before = new Map(published.map((zone) => [zone.id, zone]));
  const after = new Map(before);
  for (const zone of pending) after.set(zone.id, zone);

  const changes = pending.map((zone): PublishChange => {
    const previous = before.get(zone.id) ?? null;
    const kind = kindOf(previous, zone);
    return {
      id: zone.id,
      name: zone.name,
      kind,
      level: zone.level,
      previousLevel: previous && previous.level !== zone.level ? previous.level : null,
    };
  });

  const was = levels(before.values(), covered);
  const will = levels(after.values(), covered);
  const shift = (): LevelShift => ({ compoundsIn: [], householdsIn: 0, compoundsOut: [], householdsOut: 0 });
  const byLevel: Record<ZoneLevel, LevelShift> = { lockdown: shift(), control: shift(), precaution: shift() };
  for (const id of new Set([...was.keys(), ...will.keys()])) {
    const from = was.get(id);
    const to = will.get(id);
    if (from === to) continue;
    if (to) {
      byLevel[to].compoundsIn.push(id);
      byLevel[to].householdsIn += households(id);
    }
    if (from) {
      byLevel[from].compoundsOut.push(id);
      byLevel[from].householdsOut += households(id);
    }
  }
  for (const shift of Object.values(byLevel)) {
    shift.compoundsIn.sort();
    shift.compoundsOut.sort();
  }
  return { changes, byLevel };
}
