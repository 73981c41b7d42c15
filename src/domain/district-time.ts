import type { Locale } from './status-messages.ts';

/** The district's clock: every date and "today" shown to residents is on it. */
export const DISTRICT_TIME_ZONE = 'Asia/Shanghai';

// China has kept UTC+8 without daylight saving since 1991, so day boundaries are a fixed offset.
const OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

/** Local midnight (Asia/Shanghai) that starts the day containing `now`. */
export function startOfDistrictDay(now: Date): Date {
  return new Date(Math.floor((now.getTime() + OFFSET_MS) / DAY_MS) * DAY_MS - OFFSET_MS);
}

/** `date` plus whole days. */
export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

const INTL_LOCALE: Record<Locale, string> = { 'zh-CN': 'zh-CN', en: 'en-GB' };

const yearOf = (date: Date) => new Date(date.getTime() + OFFSET_MS).getUTCFullYear();

/**
 * Day and month on the district's clock ("4 April" / "4月4日"), with the year added when it
 * is not the year of `now` ("4 April 2022" / "2022年4月4日"); `month: 'short'` for tables ("4 Apr").
 */
export function formatDistrictDate(
  locale: Locale,
  date: Date,
  now: Date = new Date(),
  month: 'long' | 'short' = 'long',
): string {
  const withYear = yearOf(date) !== yearOf(now);
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], {
    timeZone: DISTRICT_TIME_ZONE,
    day: 'numeric',
    month,
    ...(withYear ? { year: 'numeric' } : {}),
  }).format(date);
}

/** 24-hour time on the district's clock, "09:30". */
export function formatDistrictTime(locale: Locale, date: Date): string {
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], {
    timeZone: DISTRICT_TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(date);
}

/** An instant as the value of a `datetime-local` input on the district's clock ("2022-04-04T08:00"), or ''. */
export function toDistrictInput(iso: string | null): string {
  if (!iso) return '';
  const time = Date.parse(iso);
  return Number.isNaN(time) ? '' : new Date(time + OFFSET_MS).toISOString().slice(0, 16);
}

/** A `datetime-local` value read on the district's clock, as an ISO instant; null when empty or invalid. */
export function fromDistrictInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null;
  const time = Date.parse(`${value}:00Z`) - OFFSET_MS;
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}
