import { reviewDate } from './site-hours.ts';
import { startOfDistrictDay } from './district-time.ts';

const DAY_MS = 86_400_000;

export interface ReviewCountdown {
  /** When the zone is due for review: its effective time plus its review period. */
  due: Date;
  /**
   * Whole district days from today to the review day: 0 = due today, 1 = tomorrow, negative =
   * overdue by that many days.
   */
  days: number;
}

/** The review countdown of a zone, or null when it has no effective time or review period. */
export function reviewCountdown(
  zone: { effective_from: string | null; review_days: number | null },
  now: Date,
): ReviewCountdown | null {
  const due = reviewDate(zone.effective_from, zone.review_days);
  if (!due) return null;
  const days = Math.round((startOfDistrictDay(due).getTime() - startOfDistrictDay(now).getTime()) / DAY_MS);
  return { due, days };
}

/**
 * The zones due for review today or overdue (status not lifted), the most overdue first: the
 * list a headquarters works through at its morning meeting.
 */
export function dueForReview<
  Z extends { id: string; status: string; effective_from: string | null; review_days: number | null },
>(zones: readonly Z[], now: Date): { zone: Z; countdown: ReviewCountdown }[] {
  return zones
    .filter((zone) => zone.status !== 'lifted')
    .map((zone) => ({ zone, countdown: reviewCountdown(zone, now) }))
    .filter(
      (entry): entry is { zone: Z; countdown: ReviewCountdown } =>
        entry.countdown !== null && entry.countdown.days <= 0,
    )
    .sort((a, b) => a.countdown.days - b.countdown.days || a.zone.id.localeCompare(b.zone.id));
}
