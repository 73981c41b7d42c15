import { describe, expect, it } from 'vitest';
import { dueForReview, reviewCountdown } from '../../src/domain/review-countdown.ts';

// 江山鼎: sealed on 4 April 2022 (district time), reviewed after 14 days, on 18 April.
const jiangshanding = { id: 'z1', status: 'active', effective_from: '2022-04-04T00:00:00+08:00', review_days: 14 };

describe('reviewCountdown', () => {
  it('counts district days to the review, whatever the hour', () => {
    expect(reviewCountdown(jiangshanding, new Date('2022-04-10T09:00:00+08:00'))?.days).toBe(8);
    expect(reviewCountdown(jiangshanding, new Date('2022-04-17T23:59:00+08:00'))?.days).toBe(1);
    // 00:30 on the 18th in Nantong is still the 17th in UTC.
    expect(reviewCountdown(jiangshanding, new Date('2022-04-18T00:30:00+08:00'))?.days).toBe(0);
    expect(reviewCountdown(jiangshanding, new Date('2022-04-20T12:00:00+08:00'))?.days).toBe(-2);
  });

  it('is null without an effective time or a review period', () => {
    expect(reviewCountdown({ effective_from: null, review_days: 14 }, new Date())).toBeNull();
    expect(reviewCountdown({ effective_from: '2022-04-04T00:00:00+08:00', review_days: null }, new Date())).toBeNull();
  });
});

describe('dueForReview', () => {
  it('lists zones due today or overdue, most overdue first, never lifted ones', () => {
    const zones = [
      jiangshanding,
      { id: 'z2', status: 'active', effective_from: '2022-04-01T00:00:00+08:00', review_days: 7 },
      { id: 'z3', status: 'active', effective_from: '2022-04-15T00:00:00+08:00', review_days: 7 },
      { id: 'z4', status: 'lifted', effective_from: '2022-04-01T00:00:00+08:00', review_days: 7 },
      { id: 'z5', status: 'draft', effective_from: null, review_days: null },
    ];
    const due = dueForReview(zones, new Date('2022-04-18T08:00:00+08:00'));
    expect(due.map((entry) => [entry.zone.id, entry.countdown.days])).toEqual([
      ['z2', -10],
      ['z1', 0],
    ]);
  });
});
