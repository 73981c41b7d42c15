import { addDays, formatDistrictDate } from './district-time.ts';
import type { PublicZoneRow, ZoneLevel } from './rows.ts';
import { STATUS_MESSAGES, type Locale, type StatusMessages, type ZoneSentenceParams } from './status-messages.ts';

/**
 * What the status texts read of a zone: a public zone row, a `zones_at_point` row, or any
 * object with these fields. Zones whose `status` is given and is not 'active' are ignored.
 */
export type ZoneFacts = Pick<PublicZoneRow, 'name' | 'name_en' | 'level' | 'effective_from' | 'review_days'> & {
  id?: string;
  status?: PublicZoneRow['status'];
};

export interface StatusTextOptions {
  /** Decides whether dates show their year (only when it differs from now's). Default: the current time. */
  now?: Date;
  /** Replacement wording, e.g. from the app's i18n catalogue. Default: `STATUS_MESSAGES`. */
  messages?: Record<Locale, StatusMessages>;
}

export interface GoverningZone<Z extends ZoneFacts> {
  zone: Z;
  level: ZoneLevel;
  /** When the zone took effect; null if unknown. */
  since: Date | null;
  /** `effective_from` plus `review_days`; null without both. */
  review: Date | null;
}

const SEVERITY: Record<ZoneLevel, number> = { lockdown: 3, control: 2, precaution: 1 };

/** The review date of a zone: effective_from + review_days days, or null. */
export function reviewDate(zone: Pick<ZoneFacts, 'effective_from' | 'review_days'>): Date | null {
  if (!zone.effective_from || zone.review_days == null) return null;
  return addDays(new Date(zone.effective_from), zone.review_days);
}

/**
 * The zone whose rules apply where several overlap: the most severe level, then the one
 * reviewed last (no review date counts as last), then by name. Null when none is active.
 */
export function governingZone<Z extends ZoneFacts>(zones: readonly Z[]): GoverningZone<Z> | null {
  let best: GoverningZone<Z> | null = null;
  for (const zone of zones) {
    if (zone.status !== undefined && zone.status !== 'active') continue;
    const candidate: GoverningZone<Z> = {
      zone,
      level: zone.level,
      since: zone.effective_from ? new Date(zone.effective_from) : null,
      review: reviewDate(zone),
    };
    if (!best) {
      best = candidate;
      continue;
    }
    const bySeverity = SEVERITY[candidate.level] - SEVERITY[best.level];
    const reviewTime = (g: GoverningZone<Z>) => g.review?.getTime() ?? Infinity;
    const byReview = reviewTime(candidate) - reviewTime(best);
    if (bySeverity > 0 || (bySeverity === 0 && (byReview > 0 || (byReview === 0 && candidate.zone.name < best.zone.name)))) {
      best = candidate;
    }
  }
  return best;
}

function sentenceParams(locale: Locale, name: string, governing: GoverningZone<ZoneFacts>, messages: StatusMessages, now: Date): ZoneSentenceParams {
  return {
    name,
    level: messages.level[governing.level],
    since: governing.since ? formatDistrictDate(locale, governing.since, now) : undefined,
    review: governing.review ? formatDistrictDate(locale, governing.review, now) : undefined,
  };
}

/**
 * A compound's status in plain words, from the zones that contain it (see
 * `zonesForCompound` in src/geo): "江山鼎 is in a lockdown zone since 4 April; review on
 * 18 April" / "江山鼎自4月4日起处于封控区，4月18日复核", or that it is outside all zones.
 * The compound is named by its official (Chinese) name in both languages, the name on its gate.
 */
export function compoundStatusText(
  locale: Locale,
  compound: { name: string },
  zonesContaining: readonly ZoneFacts[],
  options: StatusTextOptions = {},
): string {
  const messages = (options.messages ?? STATUS_MESSAGES)[locale];
  const governing = governingZone(zonesContaining);
  if (!governing) return messages.compoundOutside({ name: compound.name });
  return messages.compoundInZone(sentenceParams(locale, compound.name, governing, messages, options.now ?? new Date()));
}

/**
 * The status of a point ("where am I", a tap on the map) from the zones that contain it
 * (`pointInZones` in src/geo, or the `zones_at_point` RPC). The zone is named in the
 * reader's language (`name_en` for English when there is one).
 */
export function pointStatusText(locale: Locale, zonesContaining: readonly ZoneFacts[], options: StatusTextOptions = {}): string {
  const messages = (options.messages ?? STATUS_MESSAGES)[locale];
  const governing = governingZone(zonesContaining);
  if (!governing) return messages.pointOutside();
  const zoneName = locale === 'en' ? (governing.zone.name_en ?? governing.zone.name) : governing.zone.name;
  return messages.pointInZone(sentenceParams(locale, zoneName, governing, messages, options.now ?? new Date()));
}
