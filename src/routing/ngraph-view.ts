import type { Graph, Link, Node } from 'ngraph.graph';
import { aStar, type PathFinder } from 'ngraph.path';
import type { Closures } from './nearest-targets.ts';
import type { RoadGraph } from './road-graph.ts';
import type { Snap } from './snap.ts';

/** Node ids of the two virtual nodes of a query (road nodes are 0..nodeCount-1). */
export const START = -1;
export const END = -2;

/** A link as the view hands it to ngraph.path: an edge (`data`), or the part of one a virtual node covers. */
export interface ViewLink extends Link<number> {
  /** Cost of travelling it. */
  cost: number;
  /** Whether it follows the edge's geometry. */
  forward: boolean;
}

/** What one search runs on: per-edge costs (`Infinity` = forbidden), one-way rule, closures, the snapped ends. */
export interface ViewQuery extends Closures {
  costs: Float64Array;
  respectOneway: boolean;
  start: Snap;
  end: Snap;
  /**
   * Lower bound of the cost from road node v to the end (the A* heuristic): admissible and
   * consistent. Infinity prunes v: it cannot reach the end.
   */
  bound: (v: number) => number;
}

type ViewNode = Node<undefined>;

/**
 * The road graph as ngraph.path's A* searches it, answering the two calls its finder makes
 * (`getNode`, `forEachLinkedNode`) straight from the typed arrays (CSR adjacency) for one
 * query at a time. ngraph.path searches node to node, but a truck starts and stops mid-edge,
 * so each query adds a virtual START node linked to both ends of the start edge (and straight
 * to END when both lie on one edge) and a virtual END node linked from both ends of the end
 * edge, each virtual link costing the part of the edge it covers. Only moves the query allows
 * are handed out (open edges, one-way roads along their geometry, no closed node, no node the
 * bound proves cut off from the end), so the finder's `blocked` callback is not needed.
 *
 * Why not an ngraph.graph: one for the scale-80 city holds ~250 MB of objects (per node an
 * object and a Set of links, per edge a link), and a search walks those Sets calling `blocked`
 * on every link, closed or not. The view keeps one small node object per road node (~26 MB
 * there) and one finder per graph, so the finder's pool of search states is reused.
 */
export class NgraphView {
  private readonly graph: RoadGraph;
  private readonly nodes: ViewNode[];
  private readonly startNode: ViewNode = { id: START, links: null, data: undefined };
  private readonly endNode: ViewNode = { id: END, links: null, data: undefined };
  private readonly finder: PathFinder<undefined>;
  /** Handed to the finder for every road link and overwritten for the next: it reads it only during the visit. */
  private readonly roadLink: ViewLink = { id: '', fromId: 0, toId: 0, data: 0, cost: 0, forward: true };
  /** Bounds computed this query: valid where `boundStamp[v] === stamp`. */
  private readonly boundValue: Float64Array;
  private readonly boundStamp: Uint32Array;
  /** `expandedStamp[v] === stamp` once the finder has expanded v this query (it expands a node once). */
  private readonly expandedStamp: Uint32Array;
  private stamp = 0;
  private query: ViewQuery | null = null;
  private fromStart: ViewLink[] = [];
  private toEnd: ViewLink[] = [];

  constructor(graph: RoadGraph) {
    this.graph = graph;
    this.nodes = Array.from({ length: graph.nodeCount }, (_, id) => ({ id, links: null, data: undefined }));
    this.boundValue = new Float64Array(graph.nodeCount);
    this.boundStamp = new Uint32Array(graph.nodeCount);
    this.expandedStamp = new Uint32Array(graph.nodeCount);
    this.finder = aStar<undefined, number>(this as unknown as Graph<undefined, number>, {
      oriented: true,
      distance: (_to, _from, link) => (link as ViewLink).cost,
      heuristic: (node) => {
        const id = node.id as number;
        return id < 0 ? 0 : this.boundOf(id);
      },
    });
  }

  /**
   * The node ids of the cheapest route from `query.start` to `query.end`, START first and END
   * last, or null when there is none.
   */
  find(query: ViewQuery): number[] | null {
    const { graph } = this;
    const { start, end, costs, respectOneway, closedNodes } = query;
    const { edgeFrom, edgeTo, edgeLengthM, edgeOneway } = graph;
    const part = (e: number, metres: number) => (edgeLengthM[e] > 0 ? (costs[e] * metres) / edgeLengthM[e] : 0);
    const link = (fromId: number, toId: number, e: number, cost: number, forward: boolean): ViewLink => ({
      id: `v${fromId}-${toId}`,
      fromId,
      toId,
      data: e,
      cost,
      forward,
    });
    const es = start.edge;
    const ee = end.edge;
    const twoWay = (e: number) => !(respectOneway && edgeOneway[e]);
    this.fromStart = [];
    if (!closedNodes?.[edgeTo[es]])
      this.fromStart.push(link(START, edgeTo[es], es, part(es, edgeLengthM[es] - start.offsetM), true));
    if (twoWay(es) && !closedNodes?.[edgeFrom[es]])
      this.fromStart.push(link(START, edgeFrom[es], es, part(es, start.offsetM), false));
    if (es === ee && (end.offsetM >= start.offsetM || twoWay(es))) {
      this.fromStart.push(
        link(START, END, es, part(es, Math.abs(end.offsetM - start.offsetM)), end.offsetM >= start.offsetM),
      );
    }
    this.toEnd = [link(edgeFrom[ee], END, ee, part(ee, end.offsetM), true)];
    if (twoWay(ee)) this.toEnd.push(link(edgeTo[ee], END, ee, part(ee, edgeLengthM[ee] - end.offsetM), false));

    this.query = query;
    this.stamp++;
    if (this.stamp === 0xffffffff) {
      this.boundStamp.fill(0);
      this.expandedStamp.fill(0);
      this.stamp = 1;
    }
    try {
      const found = this.finder.find(START, END);
      // ngraph.path answers [] when END is never reached; its path runs from END back to START.
      return found.length < 2 ? null : found.map((n) => n.id as number).reverse();
    } finally {
      this.query = null;
    }
  }

  /**
   * For each hop of `nodes` (as `find` returns them), the link it takes: the cheapest the
   * query allows between the two nodes (parallel roads join the same nodes), as the search
   * relaxed it. Call with the same query, right after `find`.
   */
  hopLinks(query: ViewQuery, nodes: readonly number[]): ViewLink[] {
    const { edgeFrom, edgeTo, adjStart, adjEdge, adjForward } = this.graph;
    const links: ViewLink[] = [];
    for (let i = 1; i < nodes.length; i++) {
      const a = nodes[i - 1];
      const b = nodes[i];
      let best: ViewLink | null = null;
      if (a === START || b === END) {
        for (const l of a === START ? this.fromStart : this.toEnd) {
          if (l.fromId === a && l.toId === b && (!best || l.cost < best.cost)) best = l;
        }
      } else {
        for (let j = adjStart[a]; j < adjStart[a + 1]; j++) {
          const e = adjEdge[j];
          const forward = adjForward[j] === 1;
          if ((forward ? edgeTo[e] : edgeFrom[e]) !== b || !this.allowed(query, e, forward, b)) continue;
          if (!best || query.costs[e] < best.cost)
            best = { id: `e${e}`, fromId: a, toId: b, data: e, cost: query.costs[e], forward };
        }
      }
      links.push(best!);
    }
    return links;
  }

  /** Whether the query lets a truck drive edge e (`forward`: along its geometry) into node v. */
  private allowed(query: ViewQuery, e: number, forward: boolean, v: number): boolean {
    return (
      query.costs[e] < Infinity &&
      !query.closedEdges?.[e] &&
      (forward || !query.respectOneway || !this.graph.edgeOneway[e]) &&
      !query.closedNodes?.[v]
    );
  }

  /** The query's bound of road node v, computed once per query. */
  private boundOf(v: number): number {
    if (this.boundStamp[v] !== this.stamp) {
      this.boundValue[v] = this.query!.bound(v);
      this.boundStamp[v] = this.stamp;
    }
    return this.boundValue[v];
  }

  /** ngraph.graph's `getNode`, for the finder. */
  getNode(id: number): ViewNode | undefined {
    return id === START ? this.startNode : id === END ? this.endNode : this.nodes[id];
  }

  /**
   * ngraph.graph's `forEachLinkedNode`, for the finder: the moves the query allows out of `id`.
   * The finder calls it when it closes `id` and ignores links to nodes it has closed, so those
   * are left out too (a grid node's way back), which saves the finder a lookup per link.
   */
  forEachLinkedNode(id: number, visit: (other: ViewNode, link: ViewLink) => void): void {
    if (id === START) {
      for (const l of this.fromStart) visit(this.getNode(l.toId as number)!, l);
      return;
    }
    const query = this.query!;
    const { edgeFrom, edgeTo, adjStart, adjEdge, adjForward } = this.graph;
    const { expandedStamp, stamp } = this;
    const link = this.roadLink;
    expandedStamp[id] = stamp;
    for (let a = adjStart[id]; a < adjStart[id + 1]; a++) {
      const e = adjEdge[a];
      const forward = adjForward[a] === 1;
      const v = forward ? edgeTo[e] : edgeFrom[e];
      if (expandedStamp[v] === stamp || !this.allowed(query, e, forward, v) || this.boundOf(v) === Infinity) continue;
      link.fromId = id;
      link.toId = v;
      link.data = e;
      link.cost = query.costs[e];
      link.forward = forward;
      visit(this.nodes[v], link);
    }
    for (const l of this.toEnd) if (l.fromId === id) visit(this.endNode, l);
  }
}

const views = new WeakMap<RoadGraph, NgraphView>();

/** The graph's view, built on first use and cached (a node object per road node). */
export function ngraphView(graph: RoadGraph): NgraphView {
  let view = views.get(graph);
  if (!view) {
    view = new NgraphView(graph);
    views.set(graph, view);
  }
  return view;
}
