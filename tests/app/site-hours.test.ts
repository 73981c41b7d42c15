import { describe, expect, it } from 'vitest';
import { formatHours, isOpenAt, isSiteOpenAt, localMinutes, minutesOfDay, reviewDate } from '../../src/domain/site-hours.ts';

// 2022-04-12 10:30 in Nantong is 02:30 UTC.
const at = (hhmm: string) => new Date(`2022-04-12T${hhmm}:00+08:00`);

describe('site hours', () => {
  it('reads database times', () => {
    expect(minutesOfDay('08:00:00')).toBe(480);
    expect(minutesOfDay('17:30')).toBe(1050);
    expect(minutesOfDay('late')).toBeNull();
    expect(minutesOfDay(null)).toBeNull();
  });

  it('uses the district clock, not the machine clock', () => {
    expect(localMinutes(new Date('2022-04-12T02:30:00Z'))).toBe(10 * 60 + 30);
  });

  it('is open between opening and closing time', () => {
    const hours = { opens: '08:00:00', closes: '17:00:00' };
    expect(isOpenAt(hours, at('07:59'))).toBe(false);
    expect(isOpenAt(hours, at('08:00'))).toBe(true);
    expect(isOpenAt(hours, at('16:59'))).toBe(true);
    expect(isOpenAt(hours, at('17:00'))).toBe(false);
  });

  it('handles hours that run past midnight', () => {
    const hours = { opens: '20:00', closes: '02:00' };
    expect(isOpenAt(hours, at('23:00'))).toBe(true);
    expect(isOpenAt(hours, at('01:00'))).toBe(true);
    expect(isOpenAt(hours, at('12:00'))).toBe(false);
  });

  it('treats unknown hours as open', () => {
    expect(isOpenAt({}, at('03:00'))).toBe(true);
  });

  it('keeps a paused or closed site shut within its hours', () => {
    const hours = { opens: '08:00', closes: '17:00' };
    expect(isSiteOpenAt({ ...hours, status: 'open' }, at('10:00'))).toBe(true);
    expect(isSiteOpenAt({ ...hours, status: 'paused' }, at('10:00'))).toBe(false);
    expect(isSiteOpenAt({ ...hours, status: 'closed' }, at('10:00'))).toBe(false);
    expect(isSiteOpenAt({ ...hours, status: 'open' }, at('18:00'))).toBe(false);
  });

  it('formats hours for the popup', () => {
    expect(formatHours({ opens: '08:00:00', closes: '17:30:00' })).toBe('08:00–17:30');
    expect(formatHours({ opens: null, closes: '17:30:00' })).toBe('');
  });

  it('adds the review period to the effective date', () => {
    expect(reviewDate('2022-04-04T00:00:00+08:00', 14)?.toISOString()).toBe('2022-04-17T16:00:00.000Z');
    expect(reviewDate(null, 14)).toBeNull();
  });
});
