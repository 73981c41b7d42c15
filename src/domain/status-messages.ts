import type { ZoneLevel } from './rows.ts';

export type Locale = 'zh-CN' | 'en';

/** The kinds of change "what changed today" reports to the public. */
export type PublicZoneChangeKind = 'added' | 'reshaped' | 'stepped_down' | 'stepped_up' | 'lifted' | 'removed';

/** Already formatted pieces a sentence is made of (names, level words, dates, times). */
export interface ZoneSentenceParams {
  /** A compound's or zone's name in the reader's language. */
  name: string;
  /** Level word, e.g. "lockdown zone" / "封控区". */
  level: string;
  /** Formatted date the zone took effect, if known. */
  since?: string;
  /** Formatted review date, if the zone has a review period. */
  review?: string;
}

export interface ChangeSentenceParams {
  zone: string;
  /** Level word the zone has (or had last, when it left the map). */
  level: string;
  /** Previous level word, for stepped_down / stepped_up. */
  from?: string;
  /** Formatted local time of the change, e.g. "09:30". */
  time: string;
}

/**
 * The words of the plain-language status texts, per locale. The app's i18n catalogue may
 * supply its own object of this shape (`messages` option) to own the wording.
 */
export interface StatusMessages {
  level: Record<ZoneLevel, string>;
  compoundInZone(p: ZoneSentenceParams): string;
  compoundOutside(p: { name: string }): string;
  pointInZone(p: ZoneSentenceParams): string;
  pointOutside(): string;
  change: Record<PublicZoneChangeKind, (p: ChangeSentenceParams) => string>;
  /** One line for the day's changes; `counts` holds only kinds that occurred. */
  changesSummary(counts: Partial<Record<PublicZoneChangeKind, number>>): string;
  noChangesToday(): string;
}

const enTail = (p: ZoneSentenceParams) => `${p.since ? ` since ${p.since}` : ''}${p.review ? `; review on ${p.review}` : ''}`;
const zhSince = (p: ZoneSentenceParams) => (p.since ? `自${p.since}起` : '');
const zhReview = (p: ZoneSentenceParams) => (p.review ? `，${p.review}复核` : '');
const enCount = (n: number, what: string) => `${n} ${what}`;

const EN_CHANGE_WORDS: Record<PublicZoneChangeKind, string> = {
  added: 'added',
  reshaped: 'redrawn',
  stepped_down: 'stepped down',
  stepped_up: 'stepped up',
  lifted: 'lifted',
  removed: 'withdrawn',
};
const ZH_CHANGE_WORDS: Record<PublicZoneChangeKind, string> = {
  added: '新增',
  reshaped: '调整范围',
  stepped_down: '降级',
  stepped_up: '升级',
  lifted: '解封',
  removed: '撤下',
};
const CHANGE_ORDER: PublicZoneChangeKind[] = ['added', 'reshaped', 'stepped_up', 'stepped_down', 'lifted', 'removed'];

export const STATUS_MESSAGES: Record<Locale, StatusMessages> = {
  en: {
    level: { lockdown: 'lockdown zone', control: 'control zone', precaution: 'precaution zone' },
    compoundInZone: (p) => `${p.name} is in a ${p.level}${enTail(p)}`,
    compoundOutside: (p) => `${p.name} is outside all zones`,
    pointInZone: (p) => `This place is in a ${p.level} (${p.name})${enTail(p)}`,
    pointOutside: () => 'This place is outside all zones',
    change: {
      added: (p) => `${p.zone} was added as a ${p.level} at ${p.time}`,
      reshaped: (p) => `${p.zone} (${p.level}) was redrawn at ${p.time}`,
      stepped_down: (p) => `${p.zone} stepped down from ${p.from} to ${p.level} at ${p.time}`,
      stepped_up: (p) => `${p.zone} stepped up from ${p.from} to ${p.level} at ${p.time}`,
      lifted: (p) => `${p.zone} (${p.level}) was lifted at ${p.time}`,
      removed: (p) => `${p.zone} (${p.level}) was withdrawn from the public map at ${p.time}`,
    },
    changesSummary: (counts) => {
      const parts = CHANGE_ORDER.filter((k) => counts[k]).map((k) => enCount(counts[k]!, EN_CHANGE_WORDS[k]));
      const total = CHANGE_ORDER.reduce((sum, k) => sum + (counts[k] ?? 0), 0);
      return `Today: ${total} zone ${total === 1 ? 'change' : 'changes'} (${parts.join(', ')})`;
    },
    noChangesToday: () => 'No zone changes today',
  },
  'zh-CN': {
    level: { lockdown: '封控区', control: '管控区', precaution: '防范区' },
    compoundInZone: (p) => `${p.name}${zhSince(p)}处于${p.level}${zhReview(p)}`,
    compoundOutside: (p) => `${p.name}不在任何封控区、管控区或防范区内`,
    pointInZone: (p) => `该位置${zhSince(p)}处于${p.level}（${p.name}）${zhReview(p)}`,
    pointOutside: () => '该位置不在任何封控区、管控区或防范区内',
    change: {
      added: (p) => `${p.time} 新增${p.level}：${p.zone}`,
      reshaped: (p) => `${p.time} ${p.zone}（${p.level}）调整范围`,
      stepped_down: (p) => `${p.time} ${p.zone}由${p.from}降为${p.level}`,
      stepped_up: (p) => `${p.time} ${p.zone}由${p.from}升为${p.level}`,
      lifted: (p) => `${p.time} ${p.zone}（${p.level}）解封`,
      removed: (p) => `${p.time} ${p.zone}（${p.level}）从公开地图撤下`,
    },
    changesSummary: (counts) => {
      const total = CHANGE_ORDER.reduce((sum, k) => sum + (counts[k] ?? 0), 0);
      const parts = CHANGE_ORDER.filter((k) => counts[k]).map((k) => `${ZH_CHANGE_WORDS[k]}${counts[k]}个`);
      return `今日区域变化${total}项：${parts.join('，')}`;
    },
    noChangesToday: () => '今日区域无变化',
  },
};
