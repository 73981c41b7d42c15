import type { LineString, Position } from 'geojson';
import type { DeliveryRow, DeliveryStopRow, StopStatus } from '../domain/rows.ts';
import type { ClosureInput } from '../routing/closures.ts';
import type { RunPlan } from '../routing/plan-run.ts';
import type { RoadFeature } from '../routing/road-graph.ts';
import type { RoutingClient } from '../routing/routing-client.ts';
import { planDelivery, setStopStatus } from '../services/delivery-writes.ts';
import { listRoads } from '../services/roads-repo.ts';
import { deliveries, deliveryStops, staffCompounds, staffSites, staffZones } from './staff-data.svelte.ts';

/** The stop a dispatcher marks next, and what it becomes. */
export const NEXT_STOP_STATUS: Partial<Record<StopStatus, StopStatus>> = { pending: 'arrived', arrived: 'delivered' };

/**
 * The dispatcher's planning: the truck network in a routing worker (roads read from the table,
 * which carries one-way and speeds), the closures in force from the live zones and checkpoints,
 * the run being planned, and the writes (save a plan as deliveries, mark stops).
 */
class DispatchStore {
  depotId = $state<string | null>(null);
  /** The compounds chosen as stops, in the order the dispatcher gave. */
  stopIds = $state.raw<readonly string[]>([]);
  truck = $state('');
  hasPass = $state(false);
  trucks = $state(1);
  /** Parcels per truck; 0 = no limit. */
  capacity = $state(0);
  plan = $state.raw<RunPlan | null>(null);
  planning = $state(false);
  saving = $state(false);
  problem = $state<string | null>(null);
  #client: Promise<RoutingClient> | null = null;

  /** The worker with the roads loaded, started on the first plan. */
  private client(): Promise<RoutingClient> {
    this.#client ??= (async () => {
      const [{ spawnRoutingWorker }, roads] = await Promise.all([
        import('../routing/spawn-routing-worker.ts'),
        listRoads(),
      ]);
      const client = spawnRoutingWorker();
      const features: RoadFeature[] = roads.map(({ geom, ...properties }) => ({
        type: 'Feature',
        properties,
        geometry: geom,
      }));
      await client.loadRoads(features);
      return client;
    })();
    this.#client.catch(() => (this.#client = null));
    return this.#client;
  }

  /** Closures in force now: active lockdown and control zones, checkpoints by state. */
  closures(): ClosureInput {
    return {
      zones: staffZones.items
        .filter((zone) => zone.status === 'active')
        .map(({ id, level, status, geom }) => ({ id, level, status, geom })),
      checkpoints: staffSites.items
        .filter((site) => site.kind === 'checkpoint')
        .map((site) => ({ id: site.id, state: site.state, road: site.road, position: site.geom.coordinates })),
      hasPass: this.hasPass,
    };
  }

  toggleStop(id: string): void {
    this.stopIds = this.stopIds.includes(id) ? this.stopIds.filter((stop) => stop !== id) : [...this.stopIds, id];
    this.plan = null;
  }

  /** Plans the runs from the depot to the chosen compounds' drop points. */
  async makePlan(): Promise<void> {
    const depot = staffSites.items.find((site) => site.id === this.depotId);
    const stops = this.stopIds.flatMap((id) => {
      const compound = staffCompounds.items.find((c) => c.id === id);
      return compound?.drop_point
        ? [{ id, position: compound.drop_point.coordinates, parcels: compound.households }]
        : [];
    });
    if (!depot || !stops.length) {
      this.problem = 'choose_depot_and_stops';
      return;
    }
    this.planning = true;
    this.problem = null;
    try {
      const client = await this.client();
      const trucks =
        this.trucks > 1 || this.capacity > 0
          ? Array.from({ length: this.trucks }, (_, i) => ({
              id: `${this.truck || 'truck'}-${i + 1}`,
              capacity: this.capacity > 0 ? this.capacity : Infinity,
            }))
          : [{ id: this.truck || 'truck-1', capacity: Infinity }];
      this.plan = await client.planRuns(this.closures(), { start: depot.geom.coordinates, stops, trucks });
    } catch (error) {
      this.problem = (error as Error).message;
    } finally {
      this.planning = false;
    }
  }

  /** Saves every planned run as a delivery with its stops (each run all or nothing). */
  async save(now = new Date()): Promise<boolean> {
    const plan = this.plan;
    if (!plan || !this.depotId || this.saving) return false;
    this.saving = true;
    this.problem = null;
    try {
      for (const run of plan.runs) {
        const coordinates: Position[] = run.legs.flatMap((leg, i) => (i === 0 ? leg.geometry : leg.geometry.slice(1)));
        const route: LineString | null = coordinates.length > 1 ? { type: 'LineString', coordinates } : null;
        const result = await planDelivery({
          depot_id: this.depotId,
          truck: run.truck,
          has_pass: this.hasPass,
          route,
          start_at: now.toISOString(),
          planned_seconds: Math.round(run.seconds),
          planned_metres: Math.round(run.metres),
          stops: run.stops.map((stop) => ({
            compound_id: stop.id,
            eta: Number.isFinite(stop.arrivalSeconds) ? new Date(now.getTime() + stop.arrivalSeconds * 1000).toISOString() : null,
          })),
        });
        if (!result.ok) {
          this.problem = result.message;
          return false;
        }
        deliveries.apply({ op: 'upsert', row: result.row.delivery });
        for (const stop of result.row.stops) deliveryStops.apply({ op: 'upsert', row: stop });
      }
      this.plan = null;
      this.stopIds = [];
      return true;
    } finally {
      this.saving = false;
    }
  }

  /** Marks a stop arrived, then delivered; a stale mark (someone else marked it) changes nothing. */
  async advance(stop: DeliveryStopRow): Promise<void> {
    const next = NEXT_STOP_STATUS[stop.status];
    if (!next) return;
    const result = await setStopStatus(stop.id, next, stop.status);
    if (!result.ok) {
      this.problem = result.message;
      return;
    }
    deliveryStops.apply({ op: 'upsert', row: result.row.stop });
    deliveries.apply({ op: 'upsert', row: result.row.delivery as DeliveryRow });
  }
}

export const dispatch = new DispatchStore();
