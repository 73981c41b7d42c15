import { wrap, releaseProxy, type Endpoint } from 'comlink';
import type { Position } from 'geojson';
import type { NetworkSummary, RoutingApi } from './routing-api.ts';
import type { ClosureInput } from './closures.ts';
import type { PlannedRun, RunPlan, RunRequest } from './plan-run.ts';
import type { RoadCollection, RoadFeature } from './road-graph.ts';
import type { RouteTarget, WalkingSearchOptions, WalkingSearchResult } from './walking-search.ts';
import type { WalkingCoverage, WalkingCoverageOptions } from './walking-coverage.ts';

export interface CallOptions {
  /** Aborting rejects the call at once with the signal's reason; the worker's answer is dropped. */
  signal?: AbortSignal;
}

/** Typed, abortable access to the routing worker. */
export interface RoutingClient {
  loadRoads(roads: RoadCollection | readonly RoadFeature[], options?: CallOptions): Promise<NetworkSummary>;
  nearestByWalking(
    origin: Position,
    targets: readonly RouteTarget[],
    options?: WalkingSearchOptions & CallOptions,
  ): Promise<WalkingSearchResult>;
  planRuns(closures: ClosureInput, request: RunRequest, options?: CallOptions): Promise<RunPlan>;
  runInOrder(
    closures: ClosureInput,
    request: Omit<RunRequest, 'trucks'> & { truck: string },
    options?: CallOptions,
  ): Promise<PlannedRun>;
  /** Every point's walking distance to its nearest site (see `walkingCoverage`). */
  walkingCoverage(
    sites: readonly RouteTarget[],
    points: readonly Position[],
    options?: WalkingCoverageOptions & CallOptions,
  ): Promise<WalkingCoverage>;
  /** Releases the proxy and runs `onClose` (e.g. terminates the worker). */
  close(): void;
}

function abortable<T>(call: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return call();
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    call().then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Wraps an endpoint that exposes `createRoutingApi()` with Comlink: a Worker running
 * routing.worker.ts (see `spawnRoutingWorker`), or a MessagePort in tests.
 */
export function createRoutingClient(endpoint: Endpoint, onClose?: () => void): RoutingClient {
  const remote = wrap<RoutingApi>(endpoint);
  return {
    loadRoads: (roads, options) => abortable(() => remote.loadRoads(roads), options?.signal),
    nearestByWalking: (origin, targets, options = {}) => {
      const { signal, ...search } = options;
      return abortable(() => remote.nearestByWalking(origin, targets, search), signal);
    },
    planRuns: (closures, request, options) => abortable(() => remote.planRuns(closures, request), options?.signal),
    runInOrder: (closures, request, options) => abortable(() => remote.runInOrder(closures, request), options?.signal),
    walkingCoverage: (sites, points, options = {}) => {
      const { signal, ...search } = options;
      return abortable(() => remote.walkingCoverage(sites, points, search), signal);
    },
    close() {
      remote[releaseProxy]();
      onClose?.();
    },
  };
}
