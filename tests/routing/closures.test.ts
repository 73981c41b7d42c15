import { describe, expect, it } from 'vitest';
import { causesOnEdges, legClosures, zonesCovering } from '../../src/routing/closures.ts';
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
