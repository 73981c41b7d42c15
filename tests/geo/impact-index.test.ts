import fc from 'fast-check';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { buildImpactIndex } from '../../src/geo/impact-index.ts';
import { pointOnSurface } from '../../src/geo/point-on-surface.ts';
import { zoneImpact, type ImpactCompound, type ImpactSite } from '../../src/geo/zone-impact.ts';
import { demoLayer } from '../helpers/demo-district.ts';

const compounds: ImpactCompound[] = demoLayer('compounds').features.map((f) => ({
  id: f.properties.id,
  households: f.properties.households,
  residents: f.properties.residents,
  geom: f.geometry,
}));
const sites: ImpactSite[] = demoLayer('sites').features.map((f) => ({
  kind: f.properties.kind,
  key: f.properties.kind === 'enterprise' ? f.properties.key : null,
  geom: f.geometry,
}));
const data = { compounds, sites };
const index = buildImpactIndex(data);
const surface = compounds.map((c) => pointOnSurface(c.geom));

/** Same figures, and the same JSON (the order `sites` is keyed in included). */
function expectParity(geom: Polygon | MultiPolygon) {
  const expected = zoneImpact(geom, data);
  const actual = index.impact(geom);
  expect(actual).toStrictEqual(expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
  return actual;
}

describe('buildImpactIndex on the demo district', () => {
  it('gives what zoneImpact gives for every zone and sub-district', () => {
    const areas = [...demoLayer('zones').features, ...demoLayer('districts').features].map((f) => f.geometry);
    const counted = areas.map((geom) => expectParity(geom).compounds);
    expect(counted.reduce((a, b) => a + b, 0)).toBeGreaterThan(100);
  });

  it('answers as turf does for points within rounding of a sloping edge', () => {
    // Points interpolated along edges A-B, found by search: each lies a hair outside the
    // triangle A, B, (A.x, B.y), but the edge's orientation computed in plain floating point
    // puts it on the edge or inside. Turf decides with exact arithmetic; so must the index.
    const cases: [a: Position, b: Position, p: Position][] = [
      [
        [120.99354915409049, 31.933412826356207],
        [121.06072138713706, 31.986558869893923],
        [121.03081122608475, 31.962894229767933],
      ],
      [
        [120.9860394790238, 31.858768968218367],
        [121.08248649154906, 31.854075173337048],
        [121.0263492845513, 31.856807207517875],
      ],
      [
        [121.03843445998544, 31.977363467741462],
        [120.98260179743292, 31.903522913322565],
        [121.03674124390211, 31.97512413311854],
      ],
      [
        [121.06434027169102, 31.901941097877895],
        [121.09831421831545, 31.869224228532627],
        [121.08081435126479, 31.886076579252585],
      ],
      [
        [120.90538712106897, 31.88129083981332],
        [121.02017150498935, 31.999038005549945],
        [120.95402960656554, 31.931188871287524],
      ],
    ];
    for (const [a, b, p] of cases) {
      const triangle: Polygon = { type: 'Polygon', coordinates: [[a, b, [a[0], b[1]], a]] };
      const data = {
        compounds: [],
        sites: [{ kind: 'testing_site' as const, geom: { type: 'Point' as const, coordinates: p } }],
      };
      const expected = zoneImpact(triangle, data);
      expect(expected.sites).toEqual({});
      expect(buildImpactIndex(data).impact(triangle)).toStrictEqual(expected);
    }
  });

  it('covers nothing but area when the district is empty', () => {
    const square: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [121, 31.9],
          [121.01, 31.9],
          [121.01, 31.91],
          [121, 31.91],
          [121, 31.9],
        ],
      ],
    };
    const empty = { compounds: [], sites: [] };
    expect(buildImpactIndex(empty).impact(square)).toStrictEqual(zoneImpact(square, empty));
  });
});

/** A star-shaped ring around `centre`: `n` vertices at even angles, at the given radii. */
function star(centre: Position, radii: number[], phase: number): Position[] {
  return radii.map((r, i) => {
    const a = phase + (2 * Math.PI * i) / radii.length;
    return [centre[0] + r * Math.cos(a), centre[1] + r * Math.sin(a)];
  });
}

type OnBoundary = 'vertex' | 'horizontal edge' | 'vertical edge' | 'rising edge' | 'falling edge';

/** Directions of the edges put through a point; exact at any point, as their steps are powers of two. */
const EDGE_DIRECTIONS: Record<Exclude<OnBoundary, 'vertex'>, Position> = {
  'horizontal edge': [1, 0],
  'vertical edge': [0, 1],
  'rising edge': [1, 1],
  'falling edge': [1, -1],
};

/**
 * Puts `p` exactly on the ring: as a vertex, or inside an edge from p - h·d to p + h·d (h a
 * power of two, so both ends are exact and p lies exactly on the edge), dropping the vertices
 * between them by angle so that the ring stays star-shaped around `centre`.
 */
function throughPoint(ring: Position[], centre: Position, p: Position, on: OnBoundary): Position[] {
  const angle = (q: Position) => Math.atan2(q[1] - centre[1], q[0] - centre[0]);
  const relative = (q: Position) => {
    const a = angle(q) - angle(p);
    return Math.atan2(Math.sin(a), Math.cos(a));
  };
  const h = 2 ** -13;
  const inserted =
    on === 'vertex'
      ? [p]
      : [-1, 1].map((s): Position => [p[0] + s * h * EDGE_DIRECTIONS[on][0], p[1] + s * h * EDGE_DIRECTIONS[on][1]]);
  const lo = Math.min(...inserted.map(relative));
  const hi = Math.max(...inserted.map(relative));
  return [...ring.filter((q) => relative(q) < lo || relative(q) > hi), ...inserted].sort(
    (a, b) => relative(a) - relative(b),
  );
}

const closed = (ring: Position[]) => [...ring, ring[0]];

interface PartSpec {
  near: number;
  radius: number;
  convex: boolean;
  radii: number[];
  phase: number;
  hole: boolean;
  holeRadii: number[];
  /**
   * Which compound's point-on-surface to put on the boundary, and how; `turn` (degrees) sets
   * where the centre lies from it: anywhere for a vertex, across the edge (±60°) for an edge.
   */
  boundary: { compound: number; on: OnBoundary; ring: 'shell' | 'hole'; turn: number } | null;
}

// Integers scaled, not fc.double: fast-check's doubles crowd at the ends of their range.
const fraction = (min: number, max: number) =>
  fc.integer({ min: Math.round(min * 1000), max: Math.round(max * 1000) }).map((i) => i / 1000);

const part: fc.Arbitrary<PartSpec> = fc.record({
  near: fc.nat(compounds.length - 1),
  radius: fraction(0.003, 0.03),
  convex: fc.boolean(),
  radii: fc.array(fraction(0.6, 1), { minLength: 3, maxLength: 40 }),
  phase: fraction(0, 2 * Math.PI),
  hole: fc.boolean(),
  holeRadii: fc.array(fraction(0.15, 0.5), { minLength: 3, maxLength: 12 }),
  boundary: fc.option(
    fc.record({
      compound: fc.nat(compounds.length - 1),
      on: fc.constantFrom<OnBoundary>('vertex', 'horizontal edge', 'vertical edge', 'rising edge', 'falling edge'),
      ring: fc.constantFrom('shell' as const, 'hole' as const),
      turn: fc.integer({ min: 0, max: 359 }),
    }),
  ),
});

/**
 * One polygon from a spec: a convex (even radii) or concave star near a compound, maybe with
 * a hole; with `boundary`, the centre is placed so that the chosen compound's point-on-surface
 * falls in the shell's or the hole's radial band, and put exactly on that ring.
 */
function build(spec: PartSpec): { rings: Position[][]; onBoundary: string | null } {
  const radii = spec.radii.map((r) => (spec.convex ? 1 : r) * spec.radius);
  const holeRadii = spec.holeRadii.map((r) => r * spec.radius);
  let centre = surface[spec.near];
  const b = spec.boundary;
  if (b) {
    const p = surface[b.compound];
    const distance = (b.ring === 'shell' || !spec.hole ? 0.8 : 0.3) * spec.radius;
    const across = b.on === 'vertex' ? 0 : Math.atan2(EDGE_DIRECTIONS[b.on][1], EDGE_DIRECTIONS[b.on][0]) + Math.PI / 2;
    const turn = b.on === 'vertex' ? b.turn : (b.turn % 120) - 60 + (b.turn >= 180 ? 180 : 0);
    const bearing = across + (turn * Math.PI) / 180;
    centre = [p[0] + distance * Math.cos(bearing), p[1] + distance * Math.sin(bearing)];
  }
  let shell = star(centre, radii, spec.phase);
  let hole = spec.hole ? star(centre, holeRadii, spec.phase).reverse() : null;
  if (b && hole && b.ring === 'hole') hole = throughPoint(hole, centre, surface[b.compound], b.on).reverse();
  else if (b) shell = throughPoint(shell, centre, surface[b.compound], b.on);
  return {
    rings: hole ? [closed(shell), closed(hole)] : [closed(shell)],
    onBoundary: b ? compounds[b.compound].id : null,
  };
}

describe('buildImpactIndex against zoneImpact, random polygons over the demo district', () => {
  it('agrees on convex, concave and holed polygons and multipolygons, boundary points included', () => {
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 3 }), (specs) => {
        const parts = specs.map(build);
        const geom: Polygon | MultiPolygon =
          parts.length === 1
            ? { type: 'Polygon', coordinates: parts[0].rings }
            : { type: 'MultiPolygon', coordinates: parts.map((p) => p.rings) };
        const impact = expectParity(geom);
        // A point on a shell or a hole's edge or vertex is on the polygon's boundary: inside.
        for (const { onBoundary } of parts) if (onBoundary) expect(impact.compound_ids).toContain(onBoundary);
      }),
      { numRuns: 400 },
    );
  });
});
