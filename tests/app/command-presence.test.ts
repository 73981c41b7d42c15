import { describe, expect, it } from 'vitest';
import { onlineCommanders } from '../../src/domain/command-presence.ts';

const meta = (user_id: string, email: string, since: string, editing: string | null) => ({ user_id, email, since, editing, phx_ref: 'r' });

describe('onlineCommanders', () => {
  it('lists one entry per commander, sorted by email, with the zone each has open', () => {
    const list = onlineCommanders({
      u2: [meta('u2', 'b@demo.local', '2022-04-02T01:00:00Z', 'zone-7')],
      u1: [meta('u1', 'a@demo.local', '2022-04-02T02:00:00Z', null)],
    });
    expect(list).toEqual([
      { user_id: 'u1', email: 'a@demo.local', since: '2022-04-02T02:00:00Z', editing: [] },
      { user_id: 'u2', email: 'b@demo.local', since: '2022-04-02T01:00:00Z', editing: ['zone-7'] },
    ]);
  });

  it('merges a commander’s tabs: earliest time online, every zone open once', () => {
    const [entry] = onlineCommanders({
      u1: [
        meta('u1', 'a@demo.local', '2022-04-02T03:00:00Z', 'zone-1'),
        meta('u1', 'a@demo.local', '2022-04-02T01:30:00Z', 'zone-2'),
        meta('u1', 'a@demo.local', '2022-04-02T02:00:00Z', 'zone-1'),
      ],
    });
    expect(entry).toEqual({ user_id: 'u1', email: 'a@demo.local', since: '2022-04-02T01:30:00Z', editing: ['zone-1', 'zone-2'] });
  });

  it('skips presences of another shape instead of showing them', () => {
    expect(onlineCommanders({ x: [{ user: 'someone', phx_ref: 'r' }], y: [] })).toEqual([]);
  });
});
