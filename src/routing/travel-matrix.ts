import type { Position } from 'geojson';
import { legClosed, legClosures, zonesCovering, type ClosureInput, type LegClosures } from './closures.ts';
import { MinHeap } from './min-heap.ts';
import { nearestTargets, type Closures } from './nearest-targets.ts';
import { edgeCosts, truckProfile } from './profiles.ts';
import type { RoadGraph } from './road-graph.ts';
import type { RoutingNetwork } from './routing-network.ts';
import { snapToRoad, type Snap } from './snap.ts';

/** Closures shared by every leg, or per leg (i = origin index, j = destination index). */
export type MatrixClosures = Closures | ((i: number, j: number) => Closures);

/**
 * Truck travel times between all `points`, seconds, row-major n × n (`[i * n + j]` = from i
 * to j; Infinity where unreachable; 0 on the diagonal). Ends snap exactly as `routeTruck`
 * snaps them under the leg's mask, so an entry equals the point-to-point route's seconds.
 *
 * Destinations of a row are grouped by the Closures object `closuresFor(i, j)` returns
 * (compared by identity). The row's base mask is `closuresFor(i, i)` (under the zone rule:
 * the zones covering i reopened). ONE bounded Dijkstra runs from i under the base mask; a
 * group whose mask only reopens roads of the base mask (a stop inside a sealed zone: the
 * zone's roads open for legs ending there) and whose start snaps as under the base is then
 * answered by a repair of that search: the reopened roads are relaxed from the nodes the base
 * search has settled, improvements propagate over the group's mask, and the base search is
 * resumed in step whenever its frontier is cheaper (label-setting on the union, so the costs
 * are exactly those of a search under the group's mask). Any other group gets its own search.
 */
export function travelMatrix(
  network: RoutingNetwork,
  points: readonly Position[],
  closures: MatrixClosures = {},
  maxSnapDistanceM = 1000,
): Float64Array {
  const n = points.length;
  const out = new Float64Array(n * n).fill(Infinity);
  const closuresFor = typeof closures === 'function' ? closures : () => closures;
  const costs = edgeCosts(network.graph, truckProfile);
  const snaps = new Map<Closures, { row: (Snap | null | undefined)[]; allowEdge: (e: number) => boolean }>();
  /** Point j snapped as `snapForProfile` snaps it under `c`; a leg's mask is not built for it. */
  const snap = (j: number, c: Closures): Snap | null => {
    let cached = snaps.get(c);
    if (!cached) {
      const closed = (c as Partial<LegClosures>).base
        ? legClosed(c as LegClosures)
        : (e: number) => !!c.closedEdges?.[e];
      cached = { row: new Array(n), allowEdge: (e) => costs[e] < Infinity && !closed(e) };
      snaps.set(c, cached);
    }
    let s = cached.row[j];
    if (s === undefined) {
      s = snapToRoad(network.snapIndex, points[j][0], points[j][1], {
        maxDistanceM: maxSnapDistanceM,
        allowEdge: cached.allowEdge,
      });
      cached.row[j] = s;
    }
    return s;
  };
  const deltas = new Map<Closures, Map<Closures, Uint32Array | null>>();
  const reopened = (base: Closures, c: Closures): Uint32Array | null => {
    let byC = deltas.get(base);
    if (!byC) deltas.set(base, (byC = new Map()));
    let d = byC.get(c);
    if (d === undefined) {
      d = reopenedEdges(network.graph, base, c);
      byC.set(c, d);
    }
    return d;
  };
  const row = new RowSearch(network.graph);

  for (let i = 0; i < n; i++) {
    out[i * n + i] = 0;
    const groups = new Map<Closures, number[]>();
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const c = closuresFor(i, j);
      const group = groups.get(c);
      if (group) group.push(j);
      else groups.set(c, [j]);
    }
    if (groups.size === 0) continue;
    const base = typeof closures === 'function' ? closuresFor(i, i) : closures;
    const baseStart = snap(i, base);
    const repairs: [Closures, number[], Uint32Array][] = [];
    const separate: [Closures, number[]][] = [];
    for (const [c, js] of groups) {
      if (c === base) continue;
      const delta = baseStart ? reopened(base, c) : null;
      if (baseStart && delta && sameSnap(snap(i, c), baseStart)) repairs.push([c, js, delta]);
      else separate.push([c, js]);
    }

    if (baseStart && (groups.has(base) || repairs.length > 0)) {
      const js = (groups.get(base) ?? []).filter((j) => snap(j, base));
      row.start(
        baseStart,
        base,
        js.map((j) => snap(j, base)!),
        (t, cost) => (out[i * n + js[t]] = cost),
      );
      for (const [c, group, delta] of repairs) {
        const kept = group.filter((j) => snap(j, c));
        row.repair(
          c,
          delta,
          kept.map((j) => snap(j, c)!),
          (t, cost) => (out[i * n + kept[t]] = cost),
        );
      }
    }

    for (const [c, js] of separate) {
      const start = snap(i, c);
      if (!start) continue;
      const kept = js.filter((j) => snap(j, c));
      // Bounded: the search stops once this group's destinations are all settled.
      const { hits } = nearestTargets(
        network.graph,
        start,
        kept.map((j) => snap(j, c)!),
        {
          profile: truckProfile,
          k: kept.length,
          ...c,
        },
      );
      for (const h of hits) out[i * n + kept[h.target]] = h.cost;
    }
  }
  return out;
}

function sameSnap(a: Snap | null, b: Snap): boolean {
  return !!a && a.edge === b.edge && a.vertex === b.vertex && a.offsetM === b.offsetM && a.distanceM === b.distanceM;
}

/**
 * Edges closed under `base` but open under `c`, or null unless `c` closes nothing `base`
 * leaves open (same node mask, closed edges a subset). Leg closures of one closure input
 * compare by the edges each reopens on their shared `ClosureBase` (a few zones' roads),
 * anything else by scanning the masks.
 */
function reopenedEdges(graph: RoadGraph, base: Closures, c: Closures): Uint32Array | null {
  if (base.closedNodes !== c.closedNodes) return null;
  const baseLeg = base as Partial<LegClosures>;
  const cLeg = c as Partial<LegClosures>;
  if (baseLeg.base && baseLeg.base === cLeg.base) {
    const openInBase = new Set([...baseLeg.reopenedFrom!, ...baseLeg.reopenedTo!]);
    const openInC = [...cLeg.reopenedFrom!, ...cLeg.reopenedTo!];
    if (openInC.filter((e) => openInBase.has(e)).length < openInBase.size) return null;
    return Uint32Array.from(openInC.filter((e) => !openInBase.has(e)));
  }
  const b = base.closedEdges;
  const m = c.closedEdges;
  const found: number[] = [];
  for (let e = 0; e < graph.edgeCount; e++) {
    const closedB = !!b?.[e];
    const closedC = !!m?.[e];
    if (closedC && !closedB) return null;
    if (closedB && !closedC) found.push(e);
  }
  return Uint32Array.from(found);
}

/**
 * One row's searches over typed arrays, reused across rows (entries are stamped, never
 * cleared). `start` runs the base Dijkstra until its own targets are settled and keeps its
 * frontier; `repair` answers a group whose mask reopens `reopened` edges, resuming the base
 * search whenever its frontier is cheaper than the repair's. The arithmetic (costs summed in
 * path order, parts of edges, off-network legs) is that of `nearestTargets`.
 */
class RowSearch {
  private readonly graph: RoadGraph;
  private readonly costs: Float64Array;
  private readonly n: number;
  // Base search: cost valid where seen === row; settled where done === row.
  private readonly bCost: Float64Array;
  private readonly bSeen: Uint32Array;
  private readonly bDone: Uint32Array;
  private row = 0;
  private bHeap = new MinHeap();
  private bClosures: Closures = {};
  /** The base search's closed edges (read once: a leg's mask is built on first read). */
  private bClosed: Uint8Array | undefined;
  private bTargets: readonly Snap[] = [];
  private bTargetCost: Float64Array = new Float64Array(0);
  private bTargetDone: Uint8Array = new Uint8Array(0);
  private bOnEdge = new Map<number, number[]>();
  private bHit: (t: number, cost: number) => void = () => {};
  private startSnap: Snap | null = null;
  // Repair: cost valid where seen === pass; processed where done === pass; reopened where open === pass.
  private readonly rCost: Float64Array;
  private readonly rSeen: Uint32Array;
  private readonly rDone: Uint32Array;
  private readonly rOpen: Uint32Array;
  private pass = 0;

  constructor(graph: RoadGraph) {
    this.graph = graph;
    this.costs = edgeCosts(graph, truckProfile);
    this.n = graph.nodeCount;
    this.bCost = new Float64Array(this.n);
    this.bSeen = new Uint32Array(this.n);
    this.bDone = new Uint32Array(this.n);
    this.rCost = new Float64Array(this.n);
    this.rSeen = new Uint32Array(this.n);
    this.rDone = new Uint32Array(this.n);
    this.rOpen = new Uint32Array(graph.edgeCount);
  }

  private part(e: number, metres: number): number {
    const len = this.graph.edgeLengthM[e];
    return len > 0 ? (this.costs[e] * metres) / len : 0;
  }

  private baseCost(v: number): number {
    return this.bSeen[v] === this.row ? this.bCost[v] : Infinity;
  }

  private relaxBase(v: number, c: number): void {
    if (c < this.baseCost(v)) {
      this.bCost[v] = c;
      this.bSeen[v] = this.row;
      this.bHeap.push(v, c);
    }
  }

  private relaxBaseTarget(t: number, c: number): void {
    if (c < this.bTargetCost[t]) {
      this.bTargetCost[t] = c;
      this.bHeap.push(this.n + t, c);
    }
  }

  /** Targets on edge `e` of a list grouped by edge. */
  private static byEdge(targets: readonly Snap[]): Map<number, number[]> {
    const m = new Map<number, number[]>();
    targets.forEach((t, i) => {
      const list = m.get(t.edge);
      if (list) list.push(i);
      else m.set(t.edge, [i]);
    });
    return m;
  }

  /** Starts the row's base search (the start edge is open under `closures`) and settles `targets`. */
  start(start: Snap, closures: Closures, targets: readonly Snap[], hit: (t: number, cost: number) => void): void {
    const { edgeFrom, edgeTo, edgeLengthM, edgeOneway } = this.graph;
    const { closedNodes } = closures;
    this.row++;
    this.bHeap = new MinHeap();
    this.bClosures = closures;
    this.bClosed = closures.closedEdges;
    this.bTargets = targets;
    this.bTargetCost = new Float64Array(targets.length).fill(Infinity);
    this.bTargetDone = new Uint8Array(targets.length);
    this.bOnEdge = RowSearch.byEdge(targets);
    this.bHit = hit;
    this.startSnap = start;
    const es = start.edge;
    const base = start.distanceM * truckProfile.offNetworkCostPerM;
    if (this.costs[es] < Infinity && !this.bClosed?.[es]) {
      if (!closedNodes?.[edgeTo[es]]) this.relaxBase(edgeTo[es], base + this.part(es, edgeLengthM[es] - start.offsetM));
      if (!edgeOneway[es] && !closedNodes?.[edgeFrom[es]])
        this.relaxBase(edgeFrom[es], base + this.part(es, start.offsetM));
      for (const t of this.bOnEdge.get(es) ?? []) {
        const forward = targets[t].offsetM >= start.offsetM;
        if (!forward && edgeOneway[es]) continue;
        this.relaxBaseTarget(
          t,
          base +
            this.part(es, Math.abs(targets[t].offsetM - start.offsetM)) +
            targets[t].distanceM * truckProfile.offNetworkCostPerM,
        );
      }
    }
    let left = targets.length;
    while (left > 0 && this.bHeap.size > 0) if (this.stepBase(null) === -2) left--;
  }

  /**
   * Pops the base frontier once. Returns the node settled (after relaxing its open edges),
   * -2 when a base target settled, -1 for a stale entry. `onSettle` sees each settled node.
   */
  private stepBase(onSettle: ((v: number, c: number) => void) | null): number {
    const c = this.bHeap.peekPriority()!;
    const id = this.bHeap.pop()!;
    const n = this.n;
    if (id >= n) {
      const t = id - n;
      if (this.bTargetDone[t] || c > this.bTargetCost[t]) return -1;
      this.bTargetDone[t] = 1;
      this.bHit(t, c);
      return -2;
    }
    if (this.bDone[id] === this.row || c > this.bCost[id]) return -1;
    this.bDone[id] = this.row;
    const { edgeFrom, edgeTo, edgeLengthM, edgeOneway, adjStart, adjEdge, adjForward } = this.graph;
    const closedEdges = this.bClosed;
    const { closedNodes } = this.bClosures;
    const costs = this.costs;
    for (let a = adjStart[id]; a < adjStart[id + 1]; a++) {
      const e = adjEdge[a];
      const ce = costs[e];
      if (ce === Infinity || closedEdges?.[e]) continue;
      const forward = adjForward[a] === 1;
      if (edgeOneway[e] && !forward) continue;
      const v = forward ? edgeTo[e] : edgeFrom[e];
      if (!closedNodes?.[v]) this.relaxBase(v, c + ce);
      const onEdge = this.bOnEdge.get(e);
      if (onEdge) {
        for (const t of onEdge) {
          const target = this.bTargets[t];
          const along = forward ? target.offsetM : edgeLengthM[e] - target.offsetM;
          this.relaxBaseTarget(t, c + this.part(e, along) + target.distanceM * truckProfile.offNetworkCostPerM);
        }
      }
    }
    if (onSettle) onSettle(id, c);
    return id;
  }

  /**
   * Settles `targets` (snapped under `closures`) as a search under `closures` from the row's
   * start would, where `closures` = the base mask with the `reopened` edges open. Every node's
   * cost under `closures` is min(base cost, repair cost); the base frontier and the repair
   * heap are popped in cost order together, so each settles at its exact cost.
   */
  repair(
    closures: Closures,
    reopened: Uint32Array,
    targets: readonly Snap[],
    hit: (t: number, cost: number) => void,
  ): void {
    if (targets.length === 0) return;
    const pass = ++this.pass;
    const n = this.n;
    const { edgeFrom, edgeTo, edgeLengthM, edgeOneway, adjStart, adjEdge, adjForward } = this.graph;
    const { closedNodes } = closures;
    const costs = this.costs;
    const { rCost, rSeen, rDone, rOpen, bClosed } = this;
    /** Closed under `closures`: closed for the base search and not reopened (its own mask is never built). */
    const closed = (e: number) => !!bClosed?.[e] && rOpen[e] !== pass;
    const heap = new MinHeap();
    const tCost = new Float64Array(targets.length).fill(Infinity);
    const tDone = new Uint8Array(targets.length);
    const onEdge = RowSearch.byEdge(targets);
    const access = (t: number) => targets[t].distanceM * truckProfile.offNetworkCostPerM;
    const value = (v: number) => Math.min(rSeen[v] === pass ? rCost[v] : Infinity, this.baseCost(v));
    const relax = (v: number, c: number) => {
      if (c < value(v)) {
        rCost[v] = c;
        rSeen[v] = pass;
        heap.push(v, c);
      }
    };
    const relaxTarget = (t: number, c: number) => {
      if (c < tCost[t]) {
        tCost[t] = c;
        heap.push(n + t, c);
      }
    };
    /** Relaxes the targets on edge e, left from its `forward` tail at cost c. */
    const relaxTargetsOn = (e: number, forward: boolean, c: number) => {
      const list = onEdge.get(e);
      if (!list) return;
      for (const t of list) {
        const along = forward ? targets[t].offsetM : edgeLengthM[e] - targets[t].offsetM;
        relaxTarget(t, c + this.part(e, along) + access(t));
      }
    };
    /** From a node settled by the base search at c: what the base search did not relax. */
    const fromBaseNode = (u: number, c: number) => {
      if (rSeen[u] === pass && rCost[u] < c) return; // the repair reached it cheaper
      for (let a = adjStart[u]; a < adjStart[u + 1]; a++) {
        const e = adjEdge[a];
        const forward = adjForward[a] === 1;
        if (edgeOneway[e] && !forward) continue;
        if (rOpen[e] === pass) {
          const v = forward ? edgeTo[e] : edgeFrom[e];
          if (!closedNodes?.[v]) relax(v, c + costs[e]);
        }
        if (!closed(e) && costs[e] < Infinity) relaxTargetsOn(e, forward, c);
      }
    };

    for (const e of reopened) if (costs[e] < Infinity) rOpen[e] = pass;
    // Seed from every node the base search has already settled next to a reopened road or a target.
    const seeds = new Set<number>();
    for (const e of reopened) seeds.add(edgeFrom[e]).add(edgeTo[e]);
    for (const t of targets) seeds.add(edgeFrom[t.edge]).add(edgeTo[t.edge]);
    for (const u of seeds) if (this.bDone[u] === this.row) fromBaseNode(u, this.bCost[u]);
    // Targets on the start edge, reached along it.
    const start = this.startSnap!;
    const es = start.edge;
    for (const t of onEdge.get(es) ?? []) {
      const forward = targets[t].offsetM >= start.offsetM;
      if (!forward && edgeOneway[es]) continue;
      relaxTarget(
        t,
        start.distanceM * truckProfile.offNetworkCostPerM +
          this.part(es, Math.abs(targets[t].offsetM - start.offsetM)) +
          access(t),
      );
    }

    let left = targets.length;
    while (left > 0) {
      const cr = heap.size > 0 ? heap.peekPriority()! : Infinity;
      const cb = this.bHeap.size > 0 ? this.bHeap.peekPriority()! : Infinity;
      if (cr === Infinity && cb === Infinity) break;
      if (cb <= cr) {
        this.stepBase(fromBaseNode);
        continue;
      }
      const id = heap.pop()!;
      if (id >= n) {
        const t = id - n;
        if (tDone[t] || cr > tCost[t]) continue;
        tDone[t] = 1;
        hit(t, cr);
        left--;
        continue;
      }
      if (rDone[id] === pass || rSeen[id] !== pass || cr > rCost[id] || this.baseCost(id) < cr) continue;
      rDone[id] = pass;
      for (let a = adjStart[id]; a < adjStart[id + 1]; a++) {
        const e = adjEdge[a];
        const ce = costs[e];
        if (ce === Infinity || closed(e)) continue;
        const forward = adjForward[a] === 1;
        if (edgeOneway[e] && !forward) continue;
        const v = forward ? edgeTo[e] : edgeFrom[e];
        if (!closedNodes?.[v]) relax(v, cr + ce);
        relaxTargetsOn(e, forward, cr);
      }
    }
  }
}

/**
 * Per-leg closures for a stop matrix under the zone rule, memoised so legs that share a mask
 * share one Closures object (and so one search in `travelMatrix`). The mask of leg (i, j)
 * depends only on which closing zones cover point i or point j, so the memo key is that set:
 * legs to ordinary stops share the origin's mask; each stop inside a sealed area gets its
 * own (a route to it may enter that area, a route to any other stop may not).
 */
export function matrixClosures(
  network: RoutingNetwork,
  input: ClosureInput,
  points: readonly Position[],
): (i: number, j: number) => Closures {
  const covering = points.map((p) => zonesCovering(network, input.zones, p));
  const memo = new Map<string, Closures>();
  return (i, j) => {
    const key = [...new Set([...covering[i], ...covering[j]])].sort().join('|');
    let c = memo.get(key);
    if (!c) {
      // Any pair with this key gives the same mask: only the set of covered zones matters.
      c = legClosures(network, input, points[i], points[j]);
      memo.set(key, c);
    }
    return c;
  };
}
