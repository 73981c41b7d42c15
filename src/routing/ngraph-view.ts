import createGraph, { type Graph } from 'ngraph.graph';
import type { RoadGraph } from './road-graph.ts';

export interface NgraphNodeData {
  lng: number;
  lat: number;
}

/** ngraph view of a road graph: node ids are node indices, one link per edge (data = edge index). */
export type RoadNgraph = Graph<NgraphNodeData, number>;

const cache = new WeakMap<RoadGraph, RoadNgraph>();

/**
 * The road graph as an ngraph.graph, for ngraph.path searches (A* for trucks with per-query
 * `blocked` closures). Built on first use and cached, so the walking search (which runs on
 * the typed arrays) never pays for it. Links follow each edge's geometry direction; run
 * ngraph.path with `oriented: false` and block reverse travel on one-way edges in `blocked`
 * (which ngraph.path calls as `blocked(toNode, fromNode, link)`).
 */
export function toNgraph(graph: RoadGraph): RoadNgraph {
  let g = cache.get(graph);
  if (!g) {
    g = createGraph<NgraphNodeData, number>({ multigraph: true });
    g.beginUpdate();
    for (let n = 0; n < graph.nodeCount; n++) g.addNode(n, { lng: graph.nodeLng[n], lat: graph.nodeLat[n] });
    for (let e = 0; e < graph.edgeCount; e++) g.addLink(graph.edgeFrom[e], graph.edgeTo[e], e);
    g.endUpdate();
    cache.set(graph, g);
  }
  return g;
}
