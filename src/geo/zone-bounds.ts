import { booleanPointInPolygon } from '@turf/turf';
import Flatbush from 'flatbush';
import type {
  Feature,
  FeatureCollection,
  Geometry,
  LineString,
  MultiLineString,
  MultiPolygon,
  Polygon,
  Position,
} from 'geojson';
import { filledOutline } from './zone-geometry.ts';

/** The four sides of a zone notice's 四至, in the order a notice names them. */
export type Side = 'east' | 'south' | 'west' | 'north';
export const SIDES: readonly Side[] = ['east', 'south', 'west', 'north'];

/** What bounds a side: see `Bound`. */
export type BoundKind = 'road' | 'water' | 'compound-wall' | 'nearest' | 'none';

/** What kind of feature a bound names. */
export type BoundFeatureKind = 'road' | 'water' | 'compound';

/**
 * What bounds one side of a zone, as data for the UI to word through its catalogue:
 * - `road`: a named road runs along the side (东至新港路);
 * - `water`: a named river or canal does (南至竹行河);
 * - `compound-wall`: the side runs along a compound's wall, `wall` saying which of its walls
 *   (北至江山鼎北侧围墙 when the zone holds the compound, 北至某小区南侧围墙 when the compound
 *   lies beyond the side);
 * - `nearest`: nothing runs along the side; `name` is the named feature the side faces,
 *   `distanceM` short of it (东至新港路以西 200 米), with `wall` when it is a compound;
 * - `none`: nothing named along the side nor within `NEAREST_SEARCH_M` beyond it.
 */
export interface Bound {
  kind: BoundKind;
  /** The input feature (a road edge, a water polygon, a compound) that accounts for most of the answer. */
  id?: string;
  /** Every input feature of that name that takes part, most first: the pieces of a road, say. */
  ids?: string[];
  name?: string;
  nameEn?: string;
  featureKind?: BoundFeatureKind;
  /** For a compound: which of its walls (its north wall is the one facing north). */
  wall?: Side;
  /**
   * Metres, to 0.1 m: for `road`, `water` and `compound-wall` the mean distance between the side
   * and the feature (a road's centre line) along the stretch it follows; for `nearest` the
   * shortest gap, looking straight out (due east for the east side).
   */
  distanceM?: number;
  /**
   * Share of the side's length (0..1) the feature follows (`road`, `water`, `compound-wall`)
   * or, for `nearest`, the share that faces it first.
   */
  coverage?: number;
}

/** The 四至 of a zone. */
export type ZoneBounds = Record<Side, Bound>;

/** Identity and names as the data folders' GeoJSON has them (`name_zh`) or a database row (`name`). */
export interface NameProperties {
  id?: string | number | null;
  name?: string | null;
  name_zh?: string | null;
  name_en?: string | null;
}

/** A named feature: a GeoJSON feature (data/nantong/*.geojson) or a row with `geom` (`roads`, `compounds`). */
export type NamedFeature<G extends Geometry> = Feature<G, NameProperties | null> | ({ geom: G } & NameProperties);

/** A layer of named features: a FeatureCollection or a list of features or rows. */
export type NamedLayer<G extends Geometry> = FeatureCollection<G, NameProperties | null> | readonly NamedFeature<G>[];

/** Roads, water and compounds indexed once for many `zoneBounds` questions (build with `prepareBoundFeatures`). */
export interface BoundFeatures {
  readonly roads: Layer;
  readonly water: Layer;
  readonly compounds: Layer;
}

/**
 * How far a road's centre line may lie from the side it bounds, outward. A lockdown zone drawn
 * short of the street lies a pavement and half a carriageway from the centre line (12 m in the
 * demo), a zone drawn to a kerb of a wide trunk road with its green belts 30 to 50 m; a road
 * further out than this has something else between it and the zone.
 */
export const ROAD_TOLERANCE_M = 60;

/**
 * How far inside the zone a road's centre line may lie and still run along its edge: a zone
 * drawn to the far kerb or a little over the road. Deeper inside, the road crosses the zone
 * (a street through an estate) and bounds nothing.
 */
export const ROAD_INSIDE_M = 20;

/** A river bank or canal bank: as for roads (an embankment path or a green strip in between). */
export const WATER_TOLERANCE_M = 60;
export const WATER_INSIDE_M = 20;

/**
 * How far a compound's wall may lie from the side, either way: a wall traced by hand, or a
 * zone grown from its compounds by a small margin. Further out, the side runs along something
 * else (a street, a neighbour's yard) and the wall is not what bounds it.
 */
export const WALL_TOLERANCE_M = 30;

/**
 * The most a feature's direction may differ from the side's to run along it: streets are
 * bent and zone outlines are drawn by hand, but a road meeting the side at 45° or more crosses
 * or leaves it (an access road, a street running away from a corner).
 */
export const PARALLEL_MAX_DEG = 30;

/**
 * The least share of a side a feature must follow to be named as its bound: a notice names
 * what bounds a good part of the side; less is a passing stretch, such as the end of a road
 * at a corner or the gate of a neighbouring compound.
 */
export const MIN_COVERAGE = 0.3;

/**
 * How far beyond a side to look for the nearest named feature when nothing runs along it. In
 * a street grid of 200 m blocks something is always nearer; a notice saying "1 km short of X"
 * would not help anyone find the line.
 */
export const NEAREST_SEARCH_M = 500;

/** The side is measured at points this far apart (coverage is good to about this), ... */
export const SAMPLE_STEP_M = 10;
/** ... or at most this many points per zone, so a district-sized zone costs no more than ~100 small ones. */
export const MAX_SAMPLES = 2000;

/** Metres per degree of latitude (as zone-from-compounds.ts); a degree of longitude is scaled by cos(latitude). */
const METRES_PER_DEGREE = 111_320;

/**
 * A feature runs along a point of the side where a perpendicular from it lands on the feature,
 * give or take this: the gap on the outside of a bend between two edges. A road that ends
 * short of the corner does not follow the rest of the side however close its end is.
 */
const END_SLACK_M = 5;

/** Below a millimetre a ray meets the segment it starts on. */
const EPSILON_M = 1e-3;

const SIN_PARALLEL_MAX = Math.sin((PARALLEL_MAX_DEG * Math.PI) / 180);

/** Unit vector pointing to each side. */
const DIRECTION: Record<Side, [number, number]> = { east: [1, 0], south: [0, -1], west: [-1, 0], north: [0, 1] };
const OPPOSITE: Record<Side, Side> = { east: 'west', south: 'north', west: 'east', north: 'south' };

/** A named thing a bound can name: all roads of one name, a river or canal, a compound. */
interface Group {
  name: string;
  nameEn: string | null;
}

/** One layer's segments (degrees) with the group and input feature of each, in a Flatbush. */
interface Layer {
  kind: BoundFeatureKind;
  groups: Group[];
  /** Input feature ids; null where the feature has none. */
  pieces: (string | null)[];
  /** x1, y1, x2, y2 of segment i at 4i. */
  segments: Float64Array;
  segmentGroup: Uint32Array;
  segmentPiece: Uint32Array;
  /** +1 where the polygon lies left of the segment (a counter-clockwise shell), -1 right, 0 for lines. */
  segmentInterior: Int8Array;
  index: Flatbush | null;
  /** Water only: the polygons themselves, for a side that runs in the water. */
  areas: { group: number; piece: number; geometry: Polygon | MultiPolygon }[];
  areaIndex: Flatbush | null;
}

/**
 * Indexes the named roads, water polygons and compound footprints of a district for `zoneBounds`.
 * Build it once per data load: a few ms for the demo's 9,400 road edges, about 0.35 s for the
 * 94,000 of the scale-10 city, whose 2,059 zones then take about 1.3 s in all (under 1 ms a
 * zone; measured under vitest on the build machine). Features without a name are left out, as
 * a notice cannot name them. Roads of the same `name_zh` (or `name`)
 * are one road however many edges they are split into; so are water polygons of one name.
 * Compounds count by their outer walls (holes left out).
 */
export function prepareBoundFeatures(data: {
  roads?: NamedLayer<LineString | MultiLineString>;
  water?: NamedLayer<Polygon | MultiPolygon>;
  compounds?: NamedLayer<Polygon | MultiPolygon>;
}): BoundFeatures {
  return {
    roads: buildLayer('road', data.roads ?? []),
    water: buildLayer('water', data.water ?? []),
    compounds: buildLayer('compound', data.compounds ?? []),
  };
}

function buildLayer(
  kind: BoundFeatureKind,
  layer: NamedLayer<LineString | MultiLineString> | NamedLayer<Polygon | MultiPolygon>,
): Layer {
  const features: readonly NamedFeature<LineString | MultiLineString | Polygon | MultiPolygon>[] =
    'features' in layer ? layer.features : layer;
  const groups: Group[] = [];
  const byName = new Map<string, number>();
  const pieces: (string | null)[] = [];
  const coords: number[] = [];
  const segmentGroup: number[] = [];
  const segmentPiece: number[] = [];
  const segmentInterior: number[] = [];
  const areas: Layer['areas'] = [];

  for (const feature of features) {
    const { id, name, nameEn, geometry } = readFeature(feature);
    if (!name || !geometry) continue;
    // Roads and water of one name are one road, one river; each compound is its own.
    let group = kind === 'compound' ? undefined : byName.get(name);
    if (group === undefined) {
      group = groups.push({ name, nameEn }) - 1;
      if (kind !== 'compound') byName.set(name, group);
    } else if (!groups[group].nameEn && nameEn) groups[group].nameEn = nameEn;
    const piece = pieces.push(id) - 1;

    const addLine = (line: Position[], interior: number) => {
      for (let i = 1; i < line.length; i++) {
        coords.push(line[i - 1][0], line[i - 1][1], line[i][0], line[i][1]);
        segmentGroup.push(group);
        segmentPiece.push(piece);
        segmentInterior.push(interior);
      }
    };
    if (geometry.type === 'LineString') addLine(geometry.coordinates, 0);
    else if (geometry.type === 'MultiLineString') geometry.coordinates.forEach((line) => addLine(line, 0));
    else {
      const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
      for (const rings of polygons) {
        // A compound's wall is its shell; a river's banks include those of its islands.
        for (const ring of kind === 'compound' ? rings.slice(0, 1) : rings) addLine(ring, Math.sign(signedArea(ring)));
      }
      if (kind === 'water') areas.push({ group, piece, geometry });
    }
  }

  const segments = Float64Array.from(coords);
  let index: Flatbush | null = null;
  if (segmentGroup.length > 0) {
    index = new Flatbush(segmentGroup.length);
    for (let i = 0; i < segments.length; i += 4) {
      const [x1, y1, x2, y2] = [segments[i], segments[i + 1], segments[i + 2], segments[i + 3]];
      index.add(Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2));
    }
    index.finish();
  }
  let areaIndex: Flatbush | null = null;
  if (areas.length > 0) {
    areaIndex = new Flatbush(areas.length);
    for (const { geometry } of areas) {
      const [minX, minY, maxX, maxY] = boundsOf(
        geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates,
      );
      areaIndex.add(minX, minY, maxX, maxY);
    }
    areaIndex.finish();
  }
  return {
    kind,
    groups,
    pieces,
    segments,
    segmentGroup: Uint32Array.from(segmentGroup),
    segmentPiece: Uint32Array.from(segmentPiece),
    segmentInterior: Int8Array.from(segmentInterior),
    index,
    areas,
    areaIndex,
  };
}

function readFeature(feature: NamedFeature<LineString | MultiLineString | Polygon | MultiPolygon>): {
  id: string | null;
  name: string | null;
  nameEn: string | null;
  geometry: LineString | MultiLineString | Polygon | MultiPolygon | null;
} {
  const row = 'geom' in feature;
  const p: NameProperties = row ? feature : (feature.properties ?? {});
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
  const rawId = p.id ?? (row ? null : feature.id);
  return {
    id: rawId === null || rawId === undefined ? null : String(rawId),
    name: text(p.name_zh) ?? text(p.name),
    nameEn: text(p.name_en),
    geometry: (row ? feature.geom : feature.geometry) ?? null,
  };
}

/**
 * The 四至 of a zone: for each side, what bounds it. Only the zone's outer boundary counts
 * (holes, and parts lying in another part's hole, are left out: `filledOutline`).
 *
 * **The side.** A stretch of boundary belongs to the side its outward normal points to, within
 * ±45° (the east side is what faces between north-east and south-east; a normal at exactly
 * 45° goes to the side counter-clockwise of it, north-east to north), and only where it can be
 * seen from that side: a ray from it due east must not meet the zone again. So the inner walls
 * of a notch and the east side of a western part of a MultiPolygon, behind an eastern part,
 * are not the east side. A side that nothing faces within ±45° (the apex of a triangle) takes
 * what faces that way at all (within ±90°). The boundary is measured at points `SAMPLE_STEP_M`
 * apart.
 *
 * **The bound**, in this order, each needing to follow at least `MIN_COVERAGE` of the side:
 * 1. a named road whose centre line runs along the side: within `PARALLEL_MAX_DEG` of the
 *    side's direction, at most `ROAD_TOLERANCE_M` outside it and `ROAD_INSIDE_M` inside; each
 *    point of the side goes to the nearest such road, and the road with the longest share wins
 *    (ties: the closer);
 * 2. else a named river or canal, its bank run along in the same way (`WATER_TOLERANCE_M`,
 *    `WATER_INSIDE_M`), a side running in the water counting as on it;
 * 3. else a compound whose wall lies within `WALL_TOLERANCE_M` of the side either way, its
 *    wall facing the same way as the side when the compound is inside, the opposite way when
 *    it lies beyond;
 * 4. else `nearest`: from each point of the side, a ray straight out (due east for the east
 *    side) meets some named road, bank or wall first within `NEAREST_SEARCH_M`; the feature met
 *    first by the longest share of the side, with the shortest of those gaps;
 * 5. else `none`.
 */
export function zoneBounds(zone: Polygon | MultiPolygon, features: BoundFeatures): ZoneBounds {
  const shells = filledOutline(zone).coordinates.map((rings) => rings[0]);
  const [minX, minY, maxX, maxY] = boundsOf(shells.map((s) => [s]));
  const plane = planeAround((minX + maxX) / 2, (minY + maxY) / 2);
  const outline = zoneOutline(shells, plane);
  const sides = sideSamples(outline, plane);
  const result = {} as ZoneBounds;
  for (const side of SIDES) result[side] = boundOf(side, sides[side], plane, features);
  return result;
}

/** A local plane in metres around a zone: x east, y north (equirectangular, fine over a few km). */
interface Plane {
  /** Cosine of the latitude: metres of a degree of longitude per metre of one of latitude. */
  kx: number;
  x(lng: number): number;
  y(lat: number): number;
  lng(x: number): number;
  lat(y: number): number;
}

function planeAround(lng0: number, lat0: number): Plane {
  const kx = Math.cos((lat0 * Math.PI) / 180);
  return {
    kx,
    x: (lng) => (lng - lng0) * kx * METRES_PER_DEGREE,
    y: (lat) => (lat - lat0) * METRES_PER_DEGREE,
    lng: (x) => lng0 + x / (kx * METRES_PER_DEGREE),
    lat: (y) => lat0 + y / METRES_PER_DEGREE,
  };
}

/** The zone's shells as segments in the plane, indexed for the visibility rays. */
interface Outline {
  /** x1, y1, x2, y2 (metres) of segment i at 4i. */
  segments: Float64Array;
  /** +1 where the shell of segment i is counter-clockwise, -1 clockwise. */
  orientation: Int8Array;
  index: Flatbush;
  /** Longer than any ray inside the zone's bounding box. */
  reach: number;
}

function zoneOutline(shells: Position[][], plane: Plane): Outline {
  const coords: number[] = [];
  const orientation: number[] = [];
  for (const shell of shells) {
    const sign = signedArea(shell) >= 0 ? 1 : -1;
    for (let i = 1; i < shell.length; i++) {
      const [x1, y1, x2, y2] = [
        plane.x(shell[i - 1][0]),
        plane.y(shell[i - 1][1]),
        plane.x(shell[i][0]),
        plane.y(shell[i][1]),
      ];
      if (Math.hypot(x2 - x1, y2 - y1) < EPSILON_M) continue;
      coords.push(x1, y1, x2, y2);
      orientation.push(sign);
    }
  }
  const segments = Float64Array.from(coords);
  const index = new Flatbush(Math.max(1, orientation.length));
  let reach = 1;
  for (let i = 0; i < segments.length; i += 4) {
    const [x1, y1, x2, y2] = [segments[i], segments[i + 1], segments[i + 2], segments[i + 3]];
    index.add(Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2));
    reach = Math.max(reach, 2 * Math.hypot(x1, y1) + 1);
  }
  if (orientation.length === 0) index.add(0, 0, 0, 0);
  index.finish();
  return { segments, orientation: Int8Array.from(orientation), index, reach };
}

/** A point of the side standing for `w` metres of it, with the direction of the boundary there. */
interface Sample {
  x: number;
  y: number;
  lng: number;
  lat: number;
  w: number;
  /** Unit tangent. */
  tx: number;
  ty: number;
  /** Unit outward normal. */
  nx: number;
  ny: number;
}

/** The side a unit outward normal points to, ±45°; exactly 45° goes counter-clockwise (north-east: north). */
function sideOf(nx: number, ny: number): Side {
  const a = Math.atan2(ny, nx);
  const q = Math.PI / 4;
  if (a >= -q && a < q) return 'east';
  if (a >= q && a < 3 * q) return 'north';
  if (a >= -3 * q && a < -q) return 'south';
  return 'west';
}

function sideSamples(outline: Outline, plane: Plane): Record<Side, Sample[]> {
  const { segments, orientation } = outline;
  let perimeter = 0;
  for (let i = 0; i < segments.length; i += 4)
    perimeter += Math.hypot(segments[i + 2] - segments[i], segments[i + 3] - segments[i + 1]);
  const step = Math.max(SAMPLE_STEP_M, perimeter / MAX_SAMPLES);

  const facing: Record<Side, Sample[]> = { east: [], south: [], west: [], north: [] };
  const wide: Record<Side, Sample[]> = { east: [], south: [], west: [], north: [] };
  for (let s = 0; s < orientation.length; s++) {
    const [x1, y1, x2, y2] = [segments[4 * s], segments[4 * s + 1], segments[4 * s + 2], segments[4 * s + 3]];
    const length = Math.hypot(x2 - x1, y2 - y1);
    const [tx, ty] = [(x2 - x1) / length, (y2 - y1) / length];
    // Interior on the left of a counter-clockwise shell: outward is to the right.
    const [nx, ny] = orientation[s] > 0 ? [ty, -tx] : [-ty, tx];
    const side = sideOf(nx, ny);
    const pieces = Math.ceil(length / step);
    for (let k = 0; k < pieces; k++) {
      const f = (k + 0.5) / pieces;
      const x = x1 + f * (x2 - x1);
      const y = y1 + f * (y2 - y1);
      const sample = { x, y, lng: plane.lng(x), lat: plane.lat(y), w: length / pieces, tx, ty, nx, ny };
      for (const candidate of SIDES) {
        const [dx, dy] = DIRECTION[candidate];
        if (nx * dx + ny * dy <= 0 || !visible(outline, s, x, y, dx, dy)) continue;
        if (candidate === side) facing[candidate].push(sample);
        wide[candidate].push(sample);
      }
    }
  }
  const result = {} as Record<Side, Sample[]>;
  for (const side of SIDES) result[side] = facing[side].length > 0 ? facing[side] : wide[side];
  return result;
}

/** Whether a ray from (x, y) on segment `own` in direction (dx, dy) leaves the zone without meeting it again. */
function visible(outline: Outline, own: number, x: number, y: number, dx: number, dy: number): boolean {
  const { segments, index, reach } = outline;
  const [ex, ey] = [x + dx * reach, y + dy * reach];
  const hits = index.search(Math.min(x, ex), Math.min(y, ey), Math.max(x, ex), Math.max(y, ey));
  for (const s of hits) {
    if (s === own || s * 4 >= segments.length) continue;
    const t = rayHit(x, y, dx, dy, segments[4 * s], segments[4 * s + 1], segments[4 * s + 2], segments[4 * s + 3]);
    if (t > EPSILON_M) return false;
  }
  return true;
}

/** Distance along the ray from (px, py) in unit direction (dx, dy) to segment a-b, or -1 when it misses. */
function rayHit(px: number, py: number, dx: number, dy: number, ax: number, ay: number, bx: number, by: number) {
  const [ex, ey] = [bx - ax, by - ay];
  const denominator = dx * ey - dy * ex;
  if (Math.abs(denominator) <= 1e-12 * Math.hypot(ex, ey)) return -1;
  const [qx, qy] = [ax - px, ay - py];
  const t = (qx * ey - qy * ex) / denominator;
  const u = (qx * dy - qy * dx) / denominator;
  return u >= 0 && u <= 1 ? t : -1;
}

/** What one layer's features do along a side: for each group, the length of side it takes and more. */
interface Tally {
  w: number;
  distance: number;
  /** Compounds: length where the compound lies inside the side (its wall faces the side's way). */
  inside: number;
  /** Shortest gap (nearest only). */
  nearest: number;
  pieces: Map<number, number>;
}

function boundOf(side: Side, samples: Sample[], plane: Plane, features: BoundFeatures): Bound {
  const total = samples.reduce((sum, s) => sum + s.w, 0);
  if (total === 0) return { kind: 'none' };
  const followed: [Layer, number, number, BoundKind][] = [
    [features.roads, ROAD_TOLERANCE_M, ROAD_INSIDE_M, 'road'],
    [features.water, WATER_TOLERANCE_M, WATER_INSIDE_M, 'water'],
    [features.compounds, WALL_TOLERANCE_M, WALL_TOLERANCE_M, 'compound-wall'],
  ];
  for (const [layer, outside, inside, kind] of followed) {
    const best = bestOf(follow(layer, samples, plane, outside, inside));
    if (!best || best[1].w < MIN_COVERAGE * total) continue;
    const [group, tally] = best;
    const bound = describe(layer, group, tally, kind, total, tally.distance / tally.w);
    if (layer.kind === 'compound') bound.wall = tally.inside >= tally.w / 2 ? side : OPPOSITE[side];
    return bound;
  }

  const facing = nearestAhead(side, samples, plane, features);
  let best: [Layer, number, Tally] | null = null;
  for (const [layer, tallies] of facing) {
    const found = bestOf(tallies, 'nearest');
    if (found && (!best || better(found[1], best[2], 'nearest'))) best = [layer, ...found];
  }
  if (!best) return { kind: 'none' };
  const [layer, group, tally] = best;
  const bound = describe(layer, group, tally, 'nearest', total, tally.nearest);
  if (layer.kind === 'compound') bound.wall = OPPOSITE[side];
  return bound;
}

function describe(layer: Layer, group: number, tally: Tally, kind: BoundKind, total: number, distance: number) {
  const { name, nameEn } = layer.groups[group];
  const pieces = [...tally.pieces].sort((a, b) => b[1] - a[1]).map(([piece]) => layer.pieces[piece]);
  const ids = pieces.filter((id): id is string => id !== null);
  const bound: Bound = { kind, featureKind: layer.kind, name };
  if (nameEn) bound.nameEn = nameEn;
  if (ids.length > 0) [bound.id, bound.ids] = [ids[0], ids];
  bound.distanceM = Math.round(distance * 10) / 10;
  bound.coverage = Math.min(1, tally.w / total);
  return bound;
}

/** Longest share first; among equal shares, the closer. */
function better(a: Tally, b: Tally, by: 'mean' | 'nearest'): boolean {
  if (Math.abs(a.w - b.w) > 1e-9) return a.w > b.w;
  return by === 'mean' ? a.distance / a.w < b.distance / b.w : a.nearest < b.nearest;
}

function bestOf(tallies: Map<number, Tally>, by: 'mean' | 'nearest' = 'mean'): [number, Tally] | null {
  let best: [number, Tally] | null = null;
  for (const [group, tally] of tallies) if (!best || better(tally, best[1], by)) best = [group, tally];
  return best;
}

function addTo(tallies: Map<number, Tally>, group: number, piece: number, w: number, distance: number) {
  let tally = tallies.get(group);
  if (!tally) tallies.set(group, (tally = { w: 0, distance: 0, inside: 0, nearest: Infinity, pieces: new Map() }));
  tally.w += w;
  tally.distance += w * distance;
  tally.nearest = Math.min(tally.nearest, distance);
  tally.pieces.set(piece, (tally.pieces.get(piece) ?? 0) + w);
  return tally;
}

/**
 * For each point of the side, the nearest segment of the layer that runs along it there
 * (parallel within `PARALLEL_MAX_DEG`, at most `outside` metres out and `inside` in), tallied
 * by group. Water also counts where the side runs in it.
 */
function follow(layer: Layer, samples: Sample[], plane: Plane, outside: number, inside: number): Map<number, Tally> {
  const tallies = new Map<number, Tally>();
  const { segments, index } = layer;
  if (!index) return tallies;
  const reach = Math.max(outside, inside);
  const dLat = reach / METRES_PER_DEGREE;
  const dLng = reach / (METRES_PER_DEGREE * plane.kx);
  for (const p of samples) {
    const water = layer.areaIndex
      ?.search(p.lng, p.lat, p.lng, p.lat)
      .find((a) => booleanPointInPolygon([p.lng, p.lat], layer.areas[a].geometry));
    if (water !== undefined) {
      addTo(tallies, layer.areas[water].group, layer.areas[water].piece, p.w, 0);
      continue;
    }
    let best = -1;
    let bestDistance = Infinity;
    let bestFacing = 0;
    for (const s of index.search(p.lng - dLng, p.lat - dLat, p.lng + dLng, p.lat + dLat)) {
      const ax = plane.x(segments[4 * s]);
      const ay = plane.y(segments[4 * s + 1]);
      const bx = plane.x(segments[4 * s + 2]);
      const by = plane.y(segments[4 * s + 3]);
      const length = Math.hypot(bx - ax, by - ay);
      if (length < EPSILON_M) continue;
      const [ux, uy] = [(bx - ax) / length, (by - ay) / length];
      if (Math.abs(ux * p.ty - uy * p.tx) > SIN_PARALLEL_MAX) continue;
      const along = (p.x - ax) * ux + (p.y - ay) * uy;
      if (along < -END_SLACK_M || along > length + END_SLACK_M) continue;
      const t = Math.max(0, Math.min(length, along));
      const [qx, qy] = [ax + t * ux - p.x, ay + t * uy - p.y];
      const distance = Math.hypot(qx, qy);
      const offset = qx * p.nx + qy * p.ny;
      if (distance > outside || offset < -inside || distance >= bestDistance) continue;
      best = s;
      bestDistance = distance;
      // The wall's outward normal against the side's: the same way when the compound is inside.
      bestFacing = layer.segmentInterior[s] * (uy * p.nx - ux * p.ny);
    }
    if (best < 0) continue;
    const tally = addTo(tallies, layer.segmentGroup[best], layer.segmentPiece[best], p.w, bestDistance);
    if (bestFacing > 0) tally.inside += p.w;
  }
  return tallies;
}

/**
 * For each point of the side, the named segment (of any layer) a ray straight out meets first
 * within `NEAREST_SEARCH_M`, tallied by layer and group.
 */
function nearestAhead(side: Side, samples: Sample[], plane: Plane, features: BoundFeatures) {
  const layers = [features.roads, features.water, features.compounds];
  const tallies = new Map<Layer, Map<number, Tally>>(layers.map((layer) => [layer, new Map()]));
  const [dx, dy] = DIRECTION[side];
  for (const p of samples) {
    const endLng = plane.lng(p.x + dx * NEAREST_SEARCH_M);
    const endLat = plane.lat(p.y + dy * NEAREST_SEARCH_M);
    let first: [Layer, number] | null = null;
    let firstDistance = Infinity;
    for (const layer of layers) {
      if (!layer.index) continue;
      const { segments } = layer;
      const box = [Math.min(p.lng, endLng), Math.min(p.lat, endLat), Math.max(p.lng, endLng), Math.max(p.lat, endLat)];
      for (const s of layer.index.search(box[0], box[1], box[2], box[3])) {
        const t = rayHit(
          p.x,
          p.y,
          dx,
          dy,
          plane.x(segments[4 * s]),
          plane.y(segments[4 * s + 1]),
          plane.x(segments[4 * s + 2]),
          plane.y(segments[4 * s + 3]),
        );
        if (t >= 0 && t <= NEAREST_SEARCH_M && t < firstDistance) [first, firstDistance] = [[layer, s], t];
      }
    }
    if (!first) continue;
    const [layer, s] = first;
    addTo(tallies.get(layer)!, layer.segmentGroup[s], layer.segmentPiece[s], p.w, firstDistance);
  }
  return tallies;
}

/** Twice the signed area of a ring in degrees: positive when counter-clockwise. */
function signedArea(ring: Position[]): number {
  let sum = 0;
  for (let i = 1; i < ring.length; i++) sum += (ring[i - 1][0] - ring[i][0]) * (ring[i - 1][1] + ring[i][1]);
  return sum;
}

function boundsOf(polygons: Position[][][]): [number, number, number, number] {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const rings of polygons)
    for (const ring of rings)
      for (const [x, y] of ring) {
        minX = Math.min(minX, x);
        minY = Math.min(minY, y);
        maxX = Math.max(maxX, x);
        maxY = Math.max(maxY, y);
      }
  return [minX, minY, maxX, maxY];
}
