import { describe, expect, it } from 'vitest';
import { causesOnEdges, legClosed, legClosures, zonesCovering } from '../../src/routing/closures.ts';
import { at, edgeOf, loadFixture } from './truck-fixture.ts';

const { network, input, compounds } = loadFixture();
const depot = at(0, 0);
const drop = compounds[0].properties.drop_point;
const closed = (leg: { closedEdges: Uint8Array }, id: string) => leg.closedEdges[edgeOf(network, id)] === 1;

describe('legClosures', () => {
  it('closes roads through active lockdown and control zones covering neither end', () => {
    const leg = legClosures(network, input, depot, at(0, 4));
    for (const id of ['spur1', 'spur2', 'inner', 'n7', 'n8']) expect(closed(leg, id), id).toBe(true);
    expect(leg.openZones).toEqual([]);
    expect(
      leg.causes
        .filter((c) => c.kind === 'zone')
        .map((c) => c.id)
        .sort(),
    ).toEqual(['z-lock', 'z-north', 'z-ring', 'z-touch']);
  });

  it('leaves open roads merely touching a zone, and lifted and precaution zones', () => {
    const leg = legClosures(network, input, depot, at(0, 4));
    for (const id of ['m0', 'm1', 'm2', 'm3', 'w', 'n0', 'n1', 'n2']) expect(closed(leg, id), id).toBe(false);
    expect(leg.causes.find((c) => c.id === 'z-touch')!.edges).toHaveLength(0);
  });

  it('treats a hole as outside the zone but inside its outline', () => {
    const leg = legClosures(network, input, depot, at(0, 4));
    const ring = leg.causes.find((c) => c.id === 'z-ring')!;
    const lock = leg.causes.find((c) => c.id === 'z-lock')!;
    expect([...ring.edges].map((e) => network.graph.edgeRoadId[e]).sort()).toEqual(['spur1', 'spur2']);
    expect([...lock.edges].map((e) => network.graph.edgeRoadId[e]).sort()).toEqual(['inner', 'spur2']);
    // The drop point lies in the ring's hole: the ring's filled outline covers it.
    expect(zonesCovering(network, input.zones, drop).sort()).toEqual(['z-lock', 'z-ring']);
  });

  it('opens the approach to the drop point inside a ring, and only that', () => {
    const leg = legClosures(network, input, depot, drop);
    expect(leg.openZones.sort()).toEqual(['z-lock', 'z-ring']);
    expect(closed(leg, 'spur1')).toBe(false);
    expect(closed(leg, 'spur2')).toBe(false);
    expect(closed(leg, 'n7')).toBe(true);
    // Into the ring but not the compound: the lockdown zone stays closed.
    const ringOnly = legClosures(network, input, depot, at(5, 5.2));
    expect(ringOnly.openZones).toEqual(['z-ring']);
    expect(closed(ringOnly, 'spur1')).toBe(false);
    expect(closed(ringOnly, 'spur2')).toBe(true);
  });

  it('closes a closed checkpoint’s roads, and a restricted one’s unless the truck has a pass', () => {
    const leg = legClosures(network, input, depot, at(0, 4));
    expect(['m8', 'm9', 'e0', 'e1', 'n1', 'n2'].map((id) => closed(leg, id))).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
    const withPass = legClosures(network, { ...input, hasPass: true }, depot, at(0, 4));
    expect(['m8', 'm9', 'e0', 'e1'].map((id) => closed(withPass, id))).toEqual([true, true, false, false]);
    expect(
      causesOnEdges(leg, [edgeOf(network, 'e1'), edgeOf(network, 'm9')])
        .map((c) => c.id)
        .sort(),
    ).toEqual(['cp-east', 'cp-main']);
  });

  it('never changes the graph: masks are per leg', () => {
    const a = legClosures(network, input, depot, drop);
    const b = legClosures(network, input, depot, at(0, 4));
    expect(closed(a, 'spur2')).toBe(false);
    expect(closed(b, 'spur2')).toBe(true);
    expect(a.closedEdges).not.toBe(b.closedEdges);
  });
});

describe('the closures in force (base) and what a leg reopens', () => {
  it('share one base across the legs under the same input, whose mask is the base less the reopened roads', () => {
    const leg = legClosures(network, input, depot, drop);
    const other = legClosures(network, input, depot, at(0, 4));
    expect(leg.base).toBe(other.base);
    // Depot to the compound's drop point: the zones covering the drop point reopen at `to`.
    expect([...leg.reopenedTo].map((e) => network.graph.edgeRoadId[e]).sort()).toEqual(['inner', 'spur1', 'spur2']);
    expect(leg.reopenedFrom).toHaveLength(0);
    const back = legClosures(network, input, drop, depot);
    expect([...back.reopenedFrom].map((e) => network.graph.edgeRoadId[e]).sort()).toEqual(['inner', 'spur1', 'spur2']);
    expect(back.reopenedTo).toHaveLength(0);
    // Every cause in force is in the base; the leg's mask is the base's less the reopened roads.
    expect(other.base.causes.map((c) => c.id)).toEqual(other.causes.map((c) => c.id));
    const reopened = new Set([...leg.reopenedFrom, ...leg.reopenedTo]);
    for (let e = 0; e < network.graph.edgeCount; e++) {
      expect(leg.closedEdges[e]).toBe(leg.base.closedEdges[e] && !reopened.has(e) ? 1 : 0);
      expect(legClosed(leg)(e)).toBe(leg.closedEdges[e] === 1);
    }
  });

  it('notice a zone lifted in place and a pass', () => {
    const zones = input.zones.map((z) => ({ ...z }));
    const changed = { ...input, zones };
    const before = legClosures(network, changed, depot, at(0, 4));
    expect(closed(before, 'n7')).toBe(true);
    zones.find((z) => z.id === 'z-north')!.status = 'lifted';
    const after = legClosures(network, changed, depot, at(0, 4));
    expect(after.base).not.toBe(before.base);
    expect(after.causes.map((c) => c.id)).not.toContain('z-north');
    expect(legClosures(network, { ...changed, hasPass: true }, depot, at(0, 4)).causes.length).toBeLessThan(
      after.causes.length,
    );
  });
});
