import type { Position } from 'geojson';
import type { SearchTree } from './nearest-targets.ts';
import type { RoadGraph } from './road-graph.ts';
import type { Snap } from './snap.ts';

function push(out: Position[], lng: number, lat: number): void {
  const last = out[out.length - 1];
  if (!last || last[0] !== lng || last[1] !== lat) out.push([lng, lat]);
}

/**
 * Appends the part of edge e travelled in the given direction, from `from` (or the edge's
 * first node in that direction) to `to` (or its last node).
 */
function appendEdgeSpan(out: Position[], graph: RoadGraph, e: number, forward: boolean, from?: Snap, to?: Snap): void {
  const c = graph.coords;
  const first = graph.coordStart[e];
  const last = graph.coordStart[e + 1] - 1;
  if (from) push(out, from.lng, from.lat);
  if (forward) {
    const begin = from ? from.vertex + 1 : first;
    const end = to ? to.vertex : last;
    for (let v = begin; v <= end; v++) push(out, c[2 * v], c[2 * v + 1]);
  } else {
    const begin = from ? from.vertex : last;
    const end = to ? to.vertex + 1 : first;
    for (let v = begin; v >= end; v--) push(out, c[2 * v], c[2 * v + 1]);
  }
  if (to) push(out, to.lng, to.lat);
}

/**
 * Coordinates of the route from `origin` to target `t` of a finished search: the
 * off-network leg to the road, the road geometry, and the leg from the road to the target.
 */
export function pathToTarget(
  graph: RoadGraph,
  tree: SearchTree,
  origin: Position,
  start: Snap,
  target: Snap,
  targetPosition: Position,
  t: number,
): Position[] {
  const id = graph.nodeCount + t;
  const nodes: number[] = [];
  for (let node = tree.prevNode[id]; node !== -1; node = tree.prevNode[node]) nodes.push(node);
  nodes.reverse();

  const out: Position[] = [];
  push(out, origin[0], origin[1]);
  if (nodes.length === 0) {
    appendEdgeSpan(out, graph, tree.prevEdge[id], tree.prevForward[id] === 1, start, target);
  } else {
    appendEdgeSpan(out, graph, tree.prevEdge[nodes[0]], tree.prevForward[nodes[0]] === 1, start);
    for (let i = 1; i < nodes.length; i++) {
      appendEdgeSpan(out, graph, tree.prevEdge[nodes[i]], tree.prevForward[nodes[i]] === 1);
    }
    appendEdgeSpan(out, graph, tree.prevEdge[id], tree.prevForward[id] === 1, undefined, target);
  }
  push(out, targetPosition[0], targetPosition[1]);
  return out;
}
