import type { Position } from 'geojson';
import { haversineM, localProjection } from './distance.ts';
import { edgeCosts, truckProfile } from './profiles.ts';
import type { RoadCollection, RoadFeature, RoadGraph } from './road-graph.ts';
import type { TruckRoute } from './truck-route.ts';

/**
 * What the driver does where a step begins. Codes, not words: the UI words them.
 * 'straight' is also "continue onto" a road of another name without turning.
 */
export type Manoeuvre =
  | 'depart'
  | 'straight'
  | 'slight-left'
  | 'slight-right'
  | 'left'
  | 'right'
  | 'sharp-left'
  | 'sharp-right'
  | 'u-turn'
  | 'arrive';

/** A road's names, as the `roads` table has them (`name` is the Chinese name). */
export interface RoadName {
  name: string | null;
  name_en: string | null;
}

/** Names of a road by `roads.id`; undefined (an unknown id) counts as unnamed. */
export type RoadNameLookup = (roadId: string) => RoadName | undefined;

/** One line of a driver's route sheet: a manoeuvre, then a stretch along one road. */
export interface TurnStep {
  manoeuvre: Manoeuvre;
  /** Where the manoeuvre happens, [lng, lat]: the junction; for 'depart' / 'arrive' where the truck joins / leaves the road. */
  at: Position;
  /**
   * Edge indices driven in this step, in travel order, and their `roads.id`s (each once). An end
   * edge driven for less than `STUB_M` is counted in the neighbouring step's metres and seconds
   * but listed in no step. Empty for 'arrive'.
   */
  edges: number[];
  roadIds: string[];
  /** Road names; both null for an unnamed road and for 'arrive'. */
  name: string | null;
  nameEn: string | null;
  /** Road class of the step's first edge (to word an unnamed road); null for 'arrive'. */
  roadClass: string | null;
  /** Length driven on the roads of this step, metres; 0 for 'arrive'. */
  metres: number;
  /** Truck driving time of those metres (truck profile's edge costs, prorated on part edges), seconds; 0 for 'arrive'. */
  seconds: number;
  /**
   * Change of heading at `at`, degrees in [-180, 180): positive turns right (clockwise seen from
   * above). Null for 'depart', 'arrive' and where the geometry is too short to read a heading.
   */
  turnDeg: number | null;
  /** Heading of travel after the manoeuvre, degrees clockwise from north in [0, 360); null for 'arrive' or unreadable. */
  heading: number | null;
}

/**
 * |turn| up to this reads as straight on: centre lines wobble and real crossings are seldom
 * square, and within 20° a driver does not steer at the junction (OSRM uses the same band).
 */
export const STRAIGHT_MAX_DEG = 20;
/** Up to this a slight turn (a fork, a skewed crossing); the 8-point compass boundary between NE and E. */
export const SLIGHT_MAX_DEG = 45;
/** From this on the new road doubles back at an acute angle: a sharp turn (the mirror of `SLIGHT_MAX_DEG`). */
export const SHARP_MIN_DEG = 135;
/**
 * From this on the truck heads back the way it came: a U-turn (at a median opening, at the end
 * of a one-way pair). Below it, a hairpin junction is still a sharp turn the driver can take
 * without turning round.
 */
export const U_TURN_MIN_DEG = 165;
/**
 * Headings are read over this many metres of the route on each side of a junction: far enough
 * that a centre line's last wiggle or a lane offset at the node does not decide the turn, near
 * enough that the road's bends further on do not count. Never past the edges meeting there,
 * unless they are shorter than `MIN_HEADING_M`.
 */
export const HEADING_SAMPLE_M = 20;
/** A heading read over less than this is noise (vertices centimetres apart): the reading goes on to further edges. */
export const MIN_HEADING_M = 1;
/**
 * An end edge driven for less than this is not a step of its own: the start or end snapped onto
 * a junction (or a truck's length from it) and the route begins or ends with a scrap of the
 * crossing road. Its metres and seconds count with the neighbouring step. A route with less
 * road than this in all is a lone 'arrive'.
 */
export const STUB_M = 1;
/**
 * A route's first (last) position this close to its first (last) edge is on the road: no leg off
 * the network precedes (follows) it. The snap moves an on-road point only by rounding.
 */
export const ON_ROAD_M = 0.01;

const DEG = 180 / Math.PI;

/**
 * Manoeuvre for a change of heading `turnDeg` (positive = right): straight up to
 * `STRAIGHT_MAX_DEG`, slight up to `SLIGHT_MAX_DEG`, a turn below `SHARP_MIN_DEG`, sharp below
 * `U_TURN_MIN_DEG`, then U-turn (either side).
 */
export function classifyTurn(turnDeg: number): Manoeuvre {
  const a = Math.abs(turnDeg);
  if (a >= U_TURN_MIN_DEG) return 'u-turn';
  if (a <= STRAIGHT_MAX_DEG) return 'straight';
  const side = turnDeg > 0 ? 'right' : 'left';
  if (a <= SLIGHT_MAX_DEG) return `slight-${side}`;
  if (a < SHARP_MIN_DEG) return side;
  return `sharp-${side}`;
}

/**
 * A name lookup from `roads` features: `name` (a `roads` row) or `name_zh` (the data folders'
 * GeoJSON), and `name_en`. Features without an id are left out.
 */
export function roadNames(roads: RoadCollection | readonly RoadFeature[]): RoadNameLookup {
  const features = 'features' in roads ? roads.features : roads;
  const names = new Map<string, RoadName>();
  for (const feature of features) {
    const p = feature?.properties as (RoadFeature['properties'] & Record<string, unknown>) | null | undefined;
    if (p?.id === undefined || p.id === null) continue;
    const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
    names.set(String(p.id), { name: text(p.name) ?? text(p.name_zh), name_en: text(p.name_en) });
  }
  return (roadId) => names.get(roadId);
}

/** One edge of the route with its share of the geometry (indices `from`..`to`, the junctions shared). */
interface Piece {
  edge: number;
  from: number;
  to: number;
  /** Node where the route enters the edge; -1 for the first edge (entered mid-edge). */
  entryNode: number;
  metres: number;
  seconds: number;
}

/**
 * The driver's turn list of a truck route (`routeTruck`): one step per stretch along one road,
 * then 'arrive'. Consecutive edges of the same road (same `name` and `name_en`; unnamed roads:
 * same class) form one step, except across a U-turn, or across a turn (beyond slight) at a
 * junction where the truck could also have gone another way: the driver has to be told there,
 * even though the name stays.
 *
 * `route` needs `edges` and `geometry` as `routeTruck` gives them: the geometry is cut at each
 * junction (the edges' own vertices, matched exactly; the nearest position otherwise), so step
 * metres are measured along the very geometry whose length is `route.metres`. Their sum is the
 * route's road length: `route.metres` less the legs between the points and the road, which
 * (and whose seconds, `truckProfile.offNetworkCostPerM` a metre) belong to no step. Step seconds
 * are the truck profile's edge costs, prorated by length on the part-driven first and last edges,
 * as `routeTruck` sums them. The first and the last edge may be the same edge (a one-way loop
 * back to a point behind the start).
 *
 * Returns [] for a route without geometry, and a lone 'arrive' for one with no edges or less
 * than `STUB_M` of road (start and end on the same spot). Throws when consecutive edges do not
 * meet at a node. O(route vertices); no state kept.
 */
export function turnList(
  graph: RoadGraph,
  route: Pick<TruckRoute, 'edges' | 'geometry'>,
  nameOf: RoadNameLookup,
): TurnStep[] {
  const { edges, geometry } = route;
  if (geometry.length === 0) return [];
  const lastIndex = geometry.length - 1;
  if (edges.length === 0) return [arrive(geometry[lastIndex])];

  // The road part of the geometry: geometry[s..t].
  const s = lastIndex > 0 && !onEdge(graph, edges[0], geometry[0]) ? 1 : 0;
  const t = Math.max(
    s,
    lastIndex > 0 && !onEdge(graph, edges[edges.length - 1], geometry[lastIndex]) ? lastIndex - 1 : lastIndex,
  );
  const along = new Float64Array(geometry.length);
  for (let j = 1; j <= lastIndex; j++)
    along[j] = along[j - 1] + haversineM(geometry[j - 1][0], geometry[j - 1][1], geometry[j][0], geometry[j][1]);
  if (along[t] - along[s] < STUB_M) return [arrive(geometry[t])];

  const pieces = cutAtJunctions(graph, edges, geometry, s, t, along);
  // Fold scraps of crossing roads at the ends into their neighbours.
  while (pieces.length > 1 && pieces[0].metres < STUB_M) {
    const [stub, next] = pieces;
    pieces.splice(0, 2, {
      ...next,
      from: stub.from,
      metres: stub.metres + next.metres,
      seconds: stub.seconds + next.seconds,
    });
  }
  while (pieces.length > 1 && pieces[pieces.length - 1].metres < STUB_M) {
    const stub = pieces.pop()!;
    const prev = pieces[pieces.length - 1];
    pieces[pieces.length - 1] = {
      ...prev,
      to: stub.to,
      metres: prev.metres + stub.metres,
      seconds: prev.seconds + stub.seconds,
    };
  }

  // Whether a truck could leave `node` by a road other than `except`. Closures do not count: a
  // closed road is still a turning the driver sees, and the list does not know them.
  const costs = edgeCosts(graph, truckProfile);
  const canEnter = (node: number, except: readonly number[]): boolean => {
    for (let a = graph.adjStart[node]; a < graph.adjStart[node + 1]; a++) {
      const e = graph.adjEdge[a];
      if (except.includes(e) || costs[e] === Infinity) continue;
      if (graph.edgeOneway[e] && !graph.adjForward[a]) continue;
      return true;
    }
    return false;
  };

  const roadOf = (e: number) => {
    const names = nameOf(graph.edgeRoadId[e]);
    return { name: names?.name ?? null, nameEn: names?.name_en ?? null, roadClass: graph.classes[graph.edgeClass[e]] };
  };
  const open = (
    manoeuvre: Manoeuvre,
    piece: Piece,
    at: Position,
    turnDeg: number | null,
    heading: number | null,
  ): TurnStep => ({
    manoeuvre,
    at: [at[0], at[1]],
    edges: [piece.edge],
    roadIds: [graph.edgeRoadId[piece.edge]],
    ...roadOf(piece.edge),
    metres: piece.metres,
    seconds: piece.seconds,
    turnDeg,
    heading,
  });

  const first = pieces[0];
  const steps: TurnStep[] = [];
  let step: TurnStep = open('depart', first, geometry[s], null, headingAlong(geometry, s, 1, first.to, t));
  for (let k = 1; k < pieces.length; k++) {
    const prev = pieces[k - 1];
    const piece = pieces[k];
    const j = prev.to;
    const before = headingAlong(geometry, j, -1, prev.from, s);
    const after = headingAlong(geometry, j, 1, piece.to, t);
    const turnDeg = before === null || after === null ? null : ((after - before + 540) % 360) - 180;
    const manoeuvre = turnDeg === null ? 'straight' : classifyTurn(turnDeg);
    const road = roadOf(piece.edge);
    const sameRoad =
      step.name === null && step.nameEn === null
        ? road.name === null && road.nameEn === null && road.roadClass === step.roadClass
        : road.name === step.name && road.nameEn === step.nameEn;
    const gentle = manoeuvre === 'straight' || manoeuvre === 'slight-left' || manoeuvre === 'slight-right';
    const noChoice = manoeuvre !== 'u-turn' && !canEnter(piece.entryNode, [prev.edge, piece.edge]);
    if (sameRoad && (gentle || noChoice)) {
      step.edges.push(piece.edge);
      const id = graph.edgeRoadId[piece.edge];
      if (!step.roadIds.includes(id)) step.roadIds.push(id);
      step.metres += piece.metres;
      step.seconds += piece.seconds;
    } else {
      steps.push(step);
      step = open(manoeuvre, piece, geometry[j], turnDeg, after);
    }
  }
  steps.push(step, arrive(geometry[t]));
  return steps;
}

function arrive(at: Position): TurnStep {
  return {
    manoeuvre: 'arrive',
    at: [at[0], at[1]],
    edges: [],
    roadIds: [],
    name: null,
    nameEn: null,
    roadClass: null,
    metres: 0,
    seconds: 0,
    turnDeg: null,
    heading: null,
  };
}

/** Whether `p` lies within `ON_ROAD_M` of edge e's geometry (local projection around p). */
function onEdge(graph: RoadGraph, e: number, p: Position): boolean {
  const proj = localProjection(p[1]);
  const c = graph.coords;
  for (let v = graph.coordStart[e]; v < graph.coordStart[e + 1] - 1; v++) {
    const ax = proj.x(c[2 * v] - p[0]);
    const ay = proj.y(c[2 * v + 1] - p[1]);
    const dx = proj.x(c[2 * v + 2] - c[2 * v]);
    const dy = proj.y(c[2 * v + 3] - c[2 * v + 1]);
    const len2 = dx * dx + dy * dy;
    const f = len2 > 0 ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2)) : 0;
    if (Math.hypot(ax + f * dx, ay + f * dy) <= ON_ROAD_M) return true;
  }
  return false;
}

/**
 * Splits geometry[s..t] among the route's edges. The node between consecutive edges is the one
 * they share; when the first two share both ends (parallel roads, or out along an edge and
 * back), the one consistent with the rest of the route that the geometry reaches first.
 */
function cutAtJunctions(
  graph: RoadGraph,
  edges: readonly number[],
  geometry: readonly Position[],
  s: number,
  t: number,
  along: Float64Array,
): Piece[] {
  const { edgeFrom, edgeTo, coordStart, coords } = graph;
  const n = edges.length;
  const touches = (e: number, node: number) => edgeFrom[e] === node || edgeTo[e] === node;
  const other = (e: number, node: number) => (edgeFrom[e] === node ? edgeTo[e] : edgeFrom[e]);
  /** Geometry vertex of edge e at its end `node`. */
  const endVertex = (e: number, node: number) => (edgeTo[e] === node ? coordStart[e + 1] - 1 : coordStart[e]);

  // via[i]: the node where edge i - 1 ends and edge i begins (i >= 1).
  let via: number[] = [-1];
  if (n > 1) {
    const chains: number[][] = [];
    for (const start of new Set([edgeFrom[edges[0]], edgeTo[edges[0]]])) {
      if (!touches(edges[1], start)) continue;
      const chain = [-1, start];
      for (let i = 1; i < n - 1; i++) chain.push(other(edges[i], chain[i]));
      if (chain.every((node, i) => i === 0 || touches(edges[i], node))) chains.push(chain);
    }
    if (chains.length === 0) throw new Error(`turnList: the route's edges ${edges.join(', ')} do not form a path`);
    const reached = (chain: number[]) => {
      const v = endVertex(edges[0], chain[1]);
      const j = geometry.findIndex((p, i) => i >= s && i <= t && p[0] === coords[2 * v] && p[1] === coords[2 * v + 1]);
      return j < 0 ? Infinity : j;
    };
    via = chains.length === 1 || reached(chains[0]) <= reached(chains[1]) ? chains[0] : chains[1];
  }

  const costs = edgeCosts(graph, truckProfile);
  const pieces: Piece[] = [];
  let cursor = s;
  for (let i = 0; i < n; i++) {
    const e = edges[i];
    let to = t;
    if (i < n - 1) {
      const v = endVertex(e, via[i + 1]);
      // A loop edge (both ends one node) leaves from the vertex it ends at.
      const from = i > 0 && edgeFrom[e] === edgeTo[e] ? Math.min(cursor + 1, t) : cursor;
      to = locate(geometry, from, t, coords[2 * v], coords[2 * v + 1]);
    }
    const metres = along[to] - along[cursor];
    const len = graph.edgeLengthM[e];
    const part = i === 0 || i === n - 1;
    const seconds = part ? (len > 0 ? (costs[e] * metres) / len : 0) : costs[e];
    pieces.push({ edge: e, from: cursor, to, entryNode: via[i], metres, seconds });
    cursor = to;
  }
  return pieces;
}

/** First index in [from, to] whose position is exactly (lng, lat); else the nearest one. */
function locate(geometry: readonly Position[], from: number, to: number, lng: number, lat: number): number {
  let best = from;
  let bestM = Infinity;
  for (let j = from; j <= to; j++) {
    const p = geometry[j];
    if (p[0] === lng && p[1] === lat) return j;
    const m = haversineM(p[0], p[1], lng, lat);
    if (m < bestM) {
      bestM = m;
      best = j;
    }
  }
  return best;
}

/**
 * Heading of travel (degrees clockwise from north) next to geometry[j]: after it (`dir` 1) or
 * before it (-1), over `HEADING_SAMPLE_M` of the route not past index `limit`, or past it up to
 * `fallback` when that stretch is shorter than `MIN_HEADING_M`. Null when even that is too short.
 */
function headingAlong(
  geometry: readonly Position[],
  j: number,
  dir: 1 | -1,
  limit: number,
  fallback: number,
): number | null {
  const proj = localProjection(geometry[j][1]);
  const [lng0, lat0] = geometry[j];
  for (const end of limit === fallback ? [limit] : [limit, fallback]) {
    let walked = 0;
    let px = 0;
    let py = 0;
    for (let k = j + dir; dir > 0 ? k <= end : k >= end; k += dir) {
      const x = proj.x(geometry[k][0] - lng0);
      const y = proj.y(geometry[k][1] - lat0);
      const d = Math.hypot(x - px, y - py);
      if (walked + d >= HEADING_SAMPLE_M) {
        const f = (HEADING_SAMPLE_M - walked) / d;
        px += f * (x - px);
        py += f * (y - py);
        walked = HEADING_SAMPLE_M;
        break;
      }
      walked += d;
      px = x;
      py = y;
    }
    if (walked >= MIN_HEADING_M) {
      // (px, py) lies ahead of geometry[j] or behind it: travel runs towards it or from it.
      const deg = Math.atan2(dir * px, dir * py) * DEG;
      return deg < 0 ? deg + 360 : deg;
    }
  }
  return null;
}
