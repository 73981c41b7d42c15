import type { RoadGraph } from './road-graph.ts';

/**
 * How one travel mode moves over the road graph. Costs are in the profile's own unit
 * (metres for walking; a driving profile would use seconds); `Infinity` forbids an edge.
 */
export interface TravelProfile {
  readonly id: string;
  /** Whether one-way roads may only be followed along their geometry. */
  readonly respectOneway: boolean;
  /** Cost of one metre between a point and the road it snaps to. */
  readonly offNetworkCostPerM: number;
  /** Cost of traversing the whole edge `e`; `Infinity` where the mode may not use it. */
  edgeCost(graph: RoadGraph, e: number): number;
}

/** Walking pace used for minutes, km/h. */
export const WALKING_SPEED_KMH = 5;

/** Road classes pedestrians may not use. */
export const WALKING_EXCLUDED_CLASSES: ReadonlySet<string> = new Set(['motorway', 'motorway_link']);

/** Walking: cost is distance in metres, one-way roads work both ways, no motorways. */
export const walkingProfile: TravelProfile = {
  id: 'walking',
  respectOneway: false,
  offNetworkCostPerM: 1,
  edgeCost(graph, e) {
    return WALKING_EXCLUDED_CLASSES.has(graph.classes[graph.edgeClass[e]]) ? Infinity : graph.edgeLengthM[e];
  },
};

const costCache = new WeakMap<RoadGraph, Map<string, Float64Array>>();

/** Per-edge costs of `profile` on `graph`, computed once per (graph, profile id) and cached. */
export function edgeCosts(graph: RoadGraph, profile: TravelProfile): Float64Array {
  let byProfile = costCache.get(graph);
  if (!byProfile) {
    byProfile = new Map();
    costCache.set(graph, byProfile);
  }
  let costs = byProfile.get(profile.id);
  if (!costs) {
    costs = new Float64Array(graph.edgeCount);
    for (let e = 0; e < graph.edgeCount; e++) costs[e] = profile.edgeCost(graph, e);
    byProfile.set(profile.id, costs);
  }
  return costs;
}
