import { buildRoadGraph, type RoadCollection, type RoadFeature, type RoadGraph } from './road-graph.ts';
import { buildSnapIndex, type SnapIndex } from './snap.ts';
import { roadNames, type RoadNameLookup } from './turn-list.ts';

/** A road graph with its snapping index and road names: what every search needs, built once. */
export interface RoutingNetwork {
  readonly graph: RoadGraph;
  readonly snapIndex: SnapIndex;
  /** Names by `roads.id`, for the turn lists of route sheets. */
  readonly names: RoadNameLookup;
}

/** Builds graph and snap index from `roads` features; ~0.1 s for the scale-10 city. */
export function buildRoutingNetwork(roads: RoadCollection | readonly RoadFeature[]): RoutingNetwork {
  const graph = buildRoadGraph(roads);
  return { graph, snapIndex: buildSnapIndex(graph), names: roadNames(roads) };
}
