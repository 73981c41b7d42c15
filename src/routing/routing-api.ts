import type { Position } from 'geojson';
import type { ClosureInput } from './closures.ts';
import { planRuns, runInOrder, type PlannedRun, type RunPlan, type RunRequest } from './plan-run.ts';
import type { RoadCollection, RoadFeature } from './road-graph.ts';
import { buildRoutingNetwork, type RoutingNetwork } from './routing-network.ts';
import { walkingCoverage, type WalkingCoverage, type WalkingCoverageOptions } from './walking-coverage.ts';
import {
  nearestByWalking,
  type RouteTarget,
  type WalkingSearchOptions,
  type WalkingSearchResult,
} from './walking-search.ts';

export interface NetworkSummary {
  nodes: number;
  edges: number;
  /** Road features left out for lack of a usable LineString. */
  skippedRoads: number;
}

/**
 * The routing operations the worker exposes. Holds one road network; loading another
 * replaces it. Plain object with plain data in and out, so it runs the same in a worker,
 * in Node tests and on the main thread.
 */
export function createRoutingApi() {
  let network: RoutingNetwork | null = null;

  const loaded = (): RoutingNetwork => {
    if (!network) throw new Error('routing: no road network loaded; call loadRoads first');
    return network;
  };

  return {
    /** Builds the graph and snapping index from `roads` features. */
    loadRoads(roads: RoadCollection | readonly RoadFeature[]): NetworkSummary {
      network = buildRoutingNetwork(roads);
      const { graph } = network;
      return { nodes: graph.nodeCount, edges: graph.edgeCount, skippedRoads: graph.skippedRoads };
    },

    /** Supply runs under the closures (see `planRuns` in plan-run.ts); the roads must carry one-way and speeds. */
    planRuns(closures: ClosureInput, request: RunRequest): RunPlan {
      return planRuns(loaded(), closures, request);
    },

    /** One run in the order given, timed (see `runInOrder` in plan-run.ts): a dispatcher's reordering. */
    runInOrder(closures: ClosureInput, request: Omit<RunRequest, 'trucks'> & { truck: string }): PlannedRun {
      return runInOrder(loaded(), closures, request);
    },

    /** See `nearestByWalking` in walking-search.ts. */
    nearestByWalking(
      origin: Position,
      targets: readonly RouteTarget[],
      options?: WalkingSearchOptions,
    ): WalkingSearchResult {
      return nearestByWalking(loaded(), origin, targets, options);
    },

    /** See `walkingCoverage` in walking-coverage.ts: every point's walking distance to its nearest site. */
    walkingCoverage(
      sites: readonly RouteTarget[],
      points: readonly Position[],
      options?: WalkingCoverageOptions,
    ): WalkingCoverage {
      return walkingCoverage(loaded(), sites, points, options);
    },
  };
}

export type RoutingApi = ReturnType<typeof createRoutingApi>;
