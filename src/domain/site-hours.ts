/** The district's clock: opening hours in the data are local times in China Standard Time. */
export const SITE_TIME_ZONE = 'Asia/Shanghai';

/** Minutes after midnight of a `HH:MM[:SS]` time, or null for anything else. */
export function minutesOfDay(time: string | null | undefined): number | null {
  const match = time ? /^(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(time) : null;
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  return hours <= 24 && minutes < 60 ? hours * 60 + minutes : null;
}

/** Minutes after midnight of an instant on the district's clock. */
export function localMinutes(at: Date, timeZone = SITE_TIME_ZONE): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value);
  return hour * 60 + minute;
}

/**
 * Whether a site with these hours is open at `at` (district clock). Hours that end before they
 * start run past midnight. Unknown hours count as open: a mobile team or a checkpoint has none.
 */
export function isOpenAt(hours: { opens?: string | null; closes?: string | null }, at: Date, timeZone = SITE_TIME_ZONE): boolean {
  const opens = minutesOfDay(hours.opens);
  const closes = minutesOfDay(hours.closes);
  if (opens === null || closes === null) return true;
  if (opens === closes) return true;
  const now = localMinutes(at, timeZone);
  return opens < closes ? now >= opens && now < closes : now >= opens || now < closes;
}

/** `08:00–17:30` from database times; empty when unknown. */
export function formatHours(hours: { opens?: string | null; closes?: string | null }): string {
  const short = (time: string | null | undefined) => (time && minutesOfDay(time) !== null ? time.slice(0, 5) : null);
  const opens = short(hours.opens);
  const closes = short(hours.closes);
  return opens && closes ? `${opens}–${closes}` : '';
}

/** The review date of a zone: `effective_from` plus `review_days`, as an ISO date (district clock). */
export function reviewDate(effectiveFrom: string | null | undefined, reviewDays: number | null | undefined): Date | null {
  if (!effectiveFrom || reviewDays == null) return null;
  const start = new Date(effectiveFrom);
  if (Number.isNaN(start.getTime())) return null;
  return new Date(start.getTime() + reviewDays * 86_400_000);
}

/**
 * Whether a testing site takes people at `at`: its status is open (or unknown) and it is within
 * its hours. A paused or closed site is shut whatever its hours say.
 */
export function isSiteOpenAt(site: { status?: string | null; opens?: string | null; closes?: string | null }, at: Date): boolean {
  if (site.status === 'closed' || site.status === 'paused') return false;
  return isOpenAt(site, at);
}
