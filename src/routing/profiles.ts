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

/**
 * Speeds assumed for a road without `speed_kmh`, by class, km/h: a loaded truck's pace on
 * such a road, below the usual posted limit. Classes not listed get `TRUCK_FALLBACK_SPEED_KMH`.
 */
export const TRUCK_DEFAULT_SPEED_KMH: Readonly<Record<string, number>> = {
  motorway: 80,
  motorway_link: 40,
  trunk: 60,
  primary: 50,
  secondary: 40,
  tertiary: 30,
  residential: 20,
  service: 10,
};

/** Speed of a road that has neither `speed_kmh` nor a class listed above, km/h. */
export const TRUCK_FALLBACK_SPEED_KMH = 20;

/**
 * Pace between a point and the road it snaps to (a drop point in a compound, a depot yard),
 * km/h: a truck manoeuvring or a handcart, so a far snap costs more than driving round.
 */
export const TRUCK_OFF_NETWORK_SPEED_KMH = 5;

/** Speed of edge e for trucks, km/h: its `speed_kmh`, else the class default. */
export function truckSpeedKmh(graph: RoadGraph, e: number): number {
  const posted = graph.edgeSpeedKmh[e];
  if (posted > 0) return posted;
  return TRUCK_DEFAULT_SPEED_KMH[graph.classes[graph.edgeClass[e]]] ?? TRUCK_FALLBACK_SPEED_KMH;
}

/**
 * Supply trucks: cost is seconds (length / speed), one-way roads only along their geometry,
 * every road class usable. Closures (zones, checkpoints) are per-query masks, not part of
 * the profile.
 */
export const truckProfile: TravelProfile = {
  id: 'truck',
  respectOneway: true,
  offNetworkCostPerM: 3.6 / TRUCK_OFF_NETWORK_SPEED_KMH,
  edgeCost(graph, e) {
    return graph.edgeLengthM[e] / (truckSpeedKmh(graph, e) / 3.6);
  },
};
