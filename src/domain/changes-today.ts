import { formatDistrictTime, startOfDistrictDay } from './district-time.ts';
import type { PublicZoneRevisionRow, ZoneLevel } from './rows.ts';
import { STATUS_MESSAGES, type Locale, type PublicZoneChangeKind, type StatusMessages } from './status-messages.ts';

/** What the computation reads of a revision: the public columns of `zone_revisions`. */
export type RevisionFacts = Pick<PublicZoneRevisionRow, 'zone_id' | 'version' | 'op' | 'change_kind' | 'changed_fields' | 'public_row' | 'changed_at'>;

/** One change of the day as the public saw it. */
export interface ZoneChangeToday {
  zoneId: string;
  kind: PublicZoneChangeKind;
  name: string;
  name_en: string | null;
  /** The level now, or the last level shown for zones that left the map. */
  level: ZoneLevel;
  /** The level at midnight, for stepped_down / stepped_up. */
  fromLevel?: ZoneLevel;
  /** When the change happened (ISO timestamp of the revision). */
  at: string;
}

const SEVERITY: Record<ZoneLevel, number> = { lockdown: 3, control: 2, precaution: 1 };

const isPublic = (r: RevisionFacts | undefined) => !!r && r.op !== 'DELETE' && r.public_row?.status === 'active';

function findLast<T>(list: readonly T[], test: (item: T, index: number) => boolean): T | undefined {
  for (let i = list.length - 1; i >= 0; i--) if (test(list[i], i)) return list[i];
  return undefined;
}

/**
 * What changed on the public map since local midnight (Asia/Shanghai), one zone at a time,
 * comparing its state at midnight with its state now:
 * - added: not on the map at midnight, on it now;
 * - lifted / removed: on the map at some point today, not now (lifted when its status is
 *   lifted, removed when it went back to draft or was deleted);
 * - stepped_down / stepped_up: on the map at both ends with a lower / higher level;
 * - reshaped: on the map at both ends and its boundary changed today.
 *
 * Pass every revision since midnight plus, for each zone among them, its latest revision
 * before midnight (its state at midnight; a zone with none there counts as not shown at
 * midnight). Revisions the public may not read (drafts) are simply absent, which reads the
 * same. Seed-load revisions ('imported') are the starting state, never a change.
 * Returns the changes latest first.
 */
export function zoneChangesToday(revisions: readonly RevisionFacts[], options: { now?: Date } = {}): ZoneChangeToday[] {
  const midnight = startOfDistrictDay(options.now ?? new Date()).getTime();
  const byZone = new Map<string, RevisionFacts[]>();
  for (const r of revisions) {
    const list = byZone.get(r.zone_id);
    if (list) list.push(r);
    else byZone.set(r.zone_id, [r]);
  }

  const changes: ZoneChangeToday[] = [];
  for (const [zoneId, list] of byZone) {
    list.sort((a, b) => a.version - b.version);
    const isBaseline = (r: RevisionFacts) => r.change_kind === 'imported' || Date.parse(r.changed_at) < midnight;
    const start = findLast(list, isBaseline);
    const today = list.filter((r) => !isBaseline(r) && r.version > (start?.version ?? -Infinity));
    if (today.length === 0) continue;

    const end = today[today.length - 1];
    const lastShown = findLast(today, (r) => !!r.public_row) ?? start;
    const shownRow = lastShown?.public_row;
    if (!shownRow) continue;
    const base = { zoneId, name: shownRow.name, name_en: shownRow.name_en };
    const states = [start, ...today].map(isPublic);
    /** The last revision today at which being on the map flipped to `to`. */
    const lastFlipTo = (to: boolean) => {
      for (let i = today.length - 1; i >= 0; i--) if (states[i + 1] === to && states[i] !== to) return today[i];
      return end;
    };

    if (!states[0] && isPublic(end)) {
      changes.push({ ...base, kind: 'added', level: end.public_row!.level, at: lastFlipTo(true).changed_at });
      continue;
    }
    if (!isPublic(end)) {
      const lastPublic = findLast([start, ...today], isPublic);
      if (!lastPublic) continue;
      const kind = end.op !== 'DELETE' && end.public_row?.status === 'lifted' ? 'lifted' : 'removed';
      changes.push({ ...base, kind, level: lastPublic.public_row!.level, at: lastFlipTo(false).changed_at });
      continue;
    }

    const from = start!.public_row!.level;
    const to = end.public_row!.level;
    if (from !== to) {
      const levelChange = findLast(today, (r, i) => (i === 0 ? start : today[i - 1])?.public_row?.level !== r.public_row?.level)!;
      const kind = SEVERITY[to] < SEVERITY[from] ? 'stepped_down' : 'stepped_up';
      changes.push({ ...base, kind, level: to, fromLevel: from, at: levelChange.changed_at });
    }
    const reshape = findLast(today, (r) => isPublic(r) && (r.changed_fields.includes('geom') || r.change_kind === 'reshaped'));
    if (reshape) changes.push({ ...base, kind: 'reshaped', level: to, at: reshape.changed_at });
  }
  return changes.sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || (a.zoneId < b.zoneId ? -1 : a.zoneId > b.zoneId ? 1 : 0));
}

/** One change in plain words, e.g. "Jiangshanding lockdown zone stepped down from lockdown zone to control zone at 11:00". */
export function zoneChangeText(locale: Locale, change: ZoneChangeToday, options: { messages?: Record<Locale, StatusMessages> } = {}): string {
  const messages = (options.messages ?? STATUS_MESSAGES)[locale];
  return messages.change[change.kind]({
    zone: locale === 'en' ? (change.name_en ?? change.name) : change.name,
    level: messages.level[change.level],
    from: change.fromLevel ? messages.level[change.fromLevel] : undefined,
    time: formatDistrictTime(locale, new Date(change.at)),
  });
}

/** A one-line summary of the day's changes ("Today: 3 zone changes (1 added, 2 lifted)"), or that there were none. */
export function zoneChangesSummary(
  locale: Locale,
  changes: readonly ZoneChangeToday[],
  options: { messages?: Record<Locale, StatusMessages> } = {},
): string {
  const messages = (options.messages ?? STATUS_MESSAGES)[locale];
  if (changes.length === 0) return messages.noChangesToday();
  const counts: Partial<Record<PublicZoneChangeKind, number>> = {};
  for (const c of changes) counts[c.kind] = (counts[c.kind] ?? 0) + 1;
  return messages.changesSummary(counts);
}
