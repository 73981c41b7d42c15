import { describe, expect, it } from 'vitest';
import { explainNoRoute } from '../../src/routing/explain-no-route.ts';
import { at, loadFixture } from './truck-fixture.ts';

const { network, input } = loadFixture();
const east = at(11, 0);

describe('explainNoRoute', () => {
  it('names what cuts the route and the one opening that restores it, with its route', () => {
    const why = explainNoRoute(network, input, at(0, 4), east);
    expect(why.reason).toBe('closures');
    expect(why.cutBy).toEqual([{ kind: 'checkpoint', id: 'cp-main' }]);
    // A pass alone does not help (z-north still blocks North St), nor does z-north alone (cp-east).
    expect(why.opening!.opening).toEqual({ kind: 'checkpoint', id: 'cp-main' });
    expect(why.opening!.route.roads).toContain('m9');
  });

  it('names a zone whose approach would restore the route', () => {
    const mainOpen = {
      ...input,
      checkpoints: input.checkpoints.map((c) => (c.id === 'cp-main' ? { ...c, state: 'open' } : c)),
    };
    const why = explainNoRoute(network, mainOpen, at(0, 4), at(9.5, 4));
    expect(why.cutBy.map((c) => c.id)).toEqual(['z-north']);
    expect(why.opening!.opening).toEqual({ kind: 'zone', id: 'z-north' });
    expect(why.opening!.route.roads).toContain('n8');
  });

  it('picks the fastest single opening', () => {
    const mainRestricted = {
      ...input,
      checkpoints: input.checkpoints.map((c) => (c.id === 'cp-main' ? { ...c, state: 'restricted' } : c)),
    };
    const why = explainNoRoute(network, mainRestricted, at(0, 4), at(9.5, 4));
    // Opening z-north (straight along North St) beats a pass (round by Main St and e0 / e1).
    expect(why.opening!.opening).toEqual({ kind: 'zone', id: 'z-north' });
    const noZone = explainNoRoute(network, { ...mainRestricted, zones: [] }, at(0, 0), east);
    expect(noZone.opening!.opening).toEqual({ kind: 'pass', checkpoints: ['cp-main', 'cp-east'] });
  });

  it('says when no single opening helps, and when the network itself is cut', () => {
    // A third closed checkpoint where Main St, e0 and the east road meet: two openings needed.
    const junction = { id: 'cp-junction', state: 'closed', road: null, position: at(10, 0) };
    const sealed = {
      ...input,
      checkpoints: [...input.checkpoints.map((c) => (c.id === 'cp-east' ? { ...c, state: 'closed' } : c)), junction],
    };
    const why = explainNoRoute(network, sealed, at(0, 4), at(11.5, 0), { maxSnapDistanceM: 100 });
    expect(why.reason).toBe('closures');
    expect(why.cutBy.map((c) => c.id).sort()).toEqual(['cp-junction', 'cp-main']);
    expect(why.opening).toBeNull();
    expect(explainNoRoute(network, input, at(0, 0), at(50, 50)).reason).toBe('no_road');
  });
});
