import { describe, expect, it } from 'vitest';
import {
  departuresFromRevisions,
  forgetReturned,
  noteDeparture,
  saysLifted,
  withDepartures,
  zoneStatusDeparture,
  type DepartureFacts,
  type Departures,
} from '../../src/domain/departures.ts';

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

  it('adds the departures of a whole read, the newer reason winning; the same map when there are none', () => {
    const held: Departures = new Map([
      ['zone-001', 'lifted'],
      ['zone-002', 'withdrawn'],
    ]);
    expect(withDepartures(held, new Map())).toBe(held);
    expect([...withDepartures(held, new Map([['zone-002', 'deleted']]))]).toEqual([
      ['zone-001', 'lifted'],
      ['zone-002', 'deleted'],
    ]);
  });
});

describe('why zones left between two whole reads of the published map', () => {
  const revision = (zone_id: string, version: number, op: DepartureFacts['op'], status: string): DepartureFacts => ({
    zone_id,
    version,
    op,
    public_row: { status } as DepartureFacts['public_row'],
  });
  // Today's public revisions, out of order as a file may list them.
  const revisions = [
    revision('zone-lifted', 4, 'UPDATE', 'lifted'),
    revision('zone-lifted', 3, 'UPDATE', 'active'),
    // Taken back to draft: that revision is not public, so the latest one still shows it.
    revision('zone-draft', 2, 'UPDATE', 'active'),
    revision('zone-draft', 1, 'INSERT', 'active'),
    revision('zone-deleted', 7, 'DELETE', 'active'),
    revision('zone-deleted', 6, 'UPDATE', 'active'),
    // Lifted, then shown again and withdrawn: the latest public revision is the showing.
    revision('zone-again', 9, 'UPDATE', 'active'),
    revision('zone-again', 8, 'UPDATE', 'lifted'),
  ];

  it("reads each zone's latest public revision: a lifting, a deletion, or a zone still shown (withdrawn)", () => {
    const departures = departuresFromRevisions(
      ['zone-lifted', 'zone-draft', 'zone-deleted', 'zone-again'],
      revisions,
      false,
    );
    expect(Object.fromEntries(departures)).toEqual({
      'zone-lifted': 'lifted',
      'zone-draft': 'withdrawn',
      'zone-deleted': 'deleted',
      'zone-again': 'withdrawn',
    });
  });

  it('says a zone with no public revision withdrawn only when the file covers the whole gap, else leaves it unknown', () => {
    // Its return to draft is no public revision, so the file need not name it at all.
    expect([...departuresFromRevisions(['zone-unlisted'], revisions, true)]).toEqual([['zone-unlisted', 'withdrawn']]);
    expect([...departuresFromRevisions(['zone-unlisted'], revisions, false)]).toEqual([]);
    expect([...departuresFromRevisions(['zone-lifted'], revisions, false)]).toEqual([['zone-lifted', 'lifted']]);
  });
});

describe('why a zone left the public map, from its row as staff read it', () => {
  it('says deleted for no row, lifted for a lifting, withdrawn for a draft, nothing for an active zone', () => {
    expect(zoneStatusDeparture(null)).toBe('deleted');
    expect(zoneStatusDeparture('lifted')).toBe('lifted');
    expect(zoneStatusDeparture('draft')).toBe('withdrawn');
    expect(zoneStatusDeparture('active')).toBeUndefined();
  });
});
