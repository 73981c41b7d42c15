import { describe, expect, it } from 'vitest';
import { forgetReturned, noteDeparture, saysLifted, type Departures } from '../../src/domain/departures.ts';

const row = { id: 'zone-001' };

describe('why rows left a live collection', () => {
  it('records the reason of a remove and forgets it when the row comes back', () => {
    const withdrawn = noteDeparture(new Map(), { op: 'remove', id: 'zone-001', reason: 'withdrawn' });
    expect([...withdrawn]).toEqual([['zone-001', 'withdrawn']]);
    expect([...noteDeparture(withdrawn, { op: 'upsert', row })]).toEqual([]);
  });

  it('forgets an older reason when a remove gives none (a re-read, a site, an older server)', () => {
    const lifted: Departures = new Map([['zone-001', 'lifted']]);
    expect([...noteDeparture(lifted, { op: 'remove', id: 'zone-001' })]).toEqual([]);
  });

  it('keeps the same map when nothing changed', () => {
    const none: Departures = new Map();
    expect(noteDeparture(none, { op: 'upsert', row })).toBe(none);
    expect(noteDeparture(none, { op: 'remove', id: 'zone-001' })).toBe(none);
    const deleted: Departures = new Map([['zone-001', 'deleted']]);
    expect(noteDeparture(deleted, { op: 'remove', id: 'zone-001', reason: 'deleted' })).toBe(deleted);
    expect(forgetReturned(deleted, [{ id: 'zone-002' }])).toBe(deleted);
  });

  it('forgets the rows a whole read holds again', () => {
    const departures: Departures = new Map([
      ['zone-001', 'withdrawn'],
      ['zone-002', 'deleted'],
    ]);
    expect([...forgetReturned(departures, [row, { id: 'zone-003' }])]).toEqual([['zone-002', 'deleted']]);
  });

  it('says lifted only when the removal said lifted or said nothing', () => {
    expect(saysLifted('lifted')).toBe(true);
    expect(saysLifted(undefined)).toBe(true);
    expect(saysLifted('withdrawn')).toBe(false);
    expect(saysLifted('deleted')).toBe(false);
    // A reason this client does not know is no lifting either.
    expect(saysLifted('merged')).toBe(false);
  });
});
