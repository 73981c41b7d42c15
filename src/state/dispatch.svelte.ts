import type { LineString, Position } from 'geojson';
import type { DeliveryRow, DeliveryStopRow, StopStatus } from '../domain/rows.ts';
import type { ClosureInput } from '../routing/closures.ts';
import type { RunPlan, RunStopInput } from '../routing/plan-run.ts';
import type { RoadFeature } from '../routing/road-graph.ts';
import type { RoutingClient } from '../routing/routing-client.ts';
import { runStartProblem } from '../domain/run-start.ts';
import { planDelivery, setStopStatus } from '../services/delivery-writes.ts';
import { listRoads } from '../services/roads-repo.ts';
import { deliveries, deliveryStops, staffCompounds, staffSites, staffZones } from './staff-data.svelte.ts';

/** The stop a dispatcher marks next, and what it becomes. */
export const NEXT_STOP_STATUS: Partial<Record<StopStatus, StopStatus>> = { pending: 'arrived', arrived: 'delivered' };

/** What is being planned: supply runs into sealed compounds, or a mobile testing team's round of enterprises. */
export type PlanMode = 'supplies' | 'testing';

/**
 * The dispatcher's planning: the truck network in a routing worker (roads read from the table,
 * which carries one-way and speeds), the closures in force from the live zones and checkpoints,
 * the run being planned, and the writes (save a plan as deliveries, mark stops).
 *
 * Supply runs start at a depot or at an expressway checkpoint (a truck from outside) and serve
 * sealed compounds at their drop points, with the compound's households as parcels. A mobile
 * testing team's round starts at the team's base and visits enterprises; it is planned and
 * printed but not saved (the deliveries tables hold supply runs).
 */
class DispatchStore {
  mode = $state<PlanMode>('supplies');
  /** Where the runs start: a depot or an expressway checkpoint; a team's base in testing mode. */
  startId = $state<string | null>(null);
  /** The compounds (or enterprises) chosen as stops, in the order the dispatcher gave. */
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
  client(): Promise<RoutingClient> {
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
  closures(hasPass = this.hasPass): ClosureInput {
    return {
      zones: staffZones.items
        .filter((zone) => zone.status === 'active')
        .map(({ id, level, status, geom }) => ({ id, level, status, geom })),
      checkpoints: staffSites.items
        .filter((site) => site.kind === 'checkpoint')
        .map((site) => ({ id: site.id, state: site.state, road: site.road, position: site.geom.coordinates })),
      hasPass,
    };
  }

  setMode(mode: PlanMode): void {
    if (mode === this.mode) return;
    this.mode = mode;
    this.startId = null;
    this.stopIds = [];
    this.plan = null;
    this.problem = null;
  }

  toggleStop(id: string): void {
    this.stopIds = this.stopIds.includes(id) ? this.stopIds.filter((stop) => stop !== id) : [...this.stopIds, id];
    this.plan = null;
  }

  /** The chosen stops as routing input: drop points of compounds, or enterprises' sites. */
  private stopInputs(): RunStopInput[] {
    return this.stopIds.flatMap((id) => {
      if (this.mode === 'testing') {
        const site = staffSites.items.find((s) => s.id === id && s.kind === 'enterprise');
        return site ? [{ id, position: site.geom.coordinates, parcels: 0 }] : [];
      }
      const compound = staffCompounds.items.find((c) => c.id === id);
      return compound?.drop_point
        ? [{ id, position: compound.drop_point.coordinates, parcels: compound.households }]
        : [];
    });
  }

  /** Plans the runs from the start to the chosen stops. */
  async makePlan(): Promise<void> {
    const start = staffSites.items.find((site) => site.id === this.startId);
    const stops = this.stopInputs();
    if (!start || !stops.length) {
      this.problem = 'choose_depot_and_stops';
      return;
    }
    const refused = this.mode === 'supplies' ? runStartProblem(start, this.hasPass) : null;
    if (refused) {
      this.problem = refused;
      return;
    }
    this.planning = true;
    this.problem = null;
    try {
      const client = await this.client();
      const name = this.truck || (this.mode === 'testing' ? start.name : 'truck');
      const fleet = this.mode === 'supplies' && (this.trucks > 1 || this.capacity > 0);
      const trucks = fleet
        ? Array.from({ length: this.trucks }, (_, i) => ({
            id: `${name}-${i + 1}`,
            capacity: this.capacity > 0 ? this.capacity : Infinity,
          }))
        : [{ id: this.truck || (this.mode === 'testing' ? name : 'truck-1'), capacity: Infinity }];
      this.plan = await client.planRuns(this.closures(), { start: start.geom.coordinates, stops, trucks });
    } catch (error) {
      this.problem = (error as Error).message;
    } finally {
      this.planning = false;
    }
  }

  /**
   * Moves a stop of a planned run by `delta` places (the dispatcher knows the gate that opens
   * first) and times the run again in that order. The saving against the given order no longer
   * applies to a reordered plan.
   */
  async moveStop(runIndex: number, stopIndex: number, delta: number): Promise<void> {
    const plan = this.plan;
    const run = plan?.runs[runIndex];
    const start = staffSites.items.find((site) => site.id === this.startId);
    const to = stopIndex + delta;
    if (!plan || !run || !start || to < 0 || to >= run.stops.length || this.planning) return;
    const inputs = new Map(this.stopInputs().map((stop) => [stop.id, stop]));
    const order = run.stops.map((stop) => inputs.get(stop.id)).filter((stop) => stop !== undefined);
    if (order.length !== run.stops.length) return;
    const [moved] = order.splice(stopIndex, 1);
    order.splice(to, 0, moved);
    this.planning = true;
    try {
      const client = await this.client();
      const timed = await client.runInOrder(this.closures(), {
        start: start.geom.coordinates,
        stops: order,
        truck: run.truck,
      });
      if (this.plan !== plan) return;
      this.plan = {
        ...plan,
        runs: plan.runs.map((r, i) => (i === runIndex ? timed : r)),
        savingSeconds: null,
        givenSeconds: null,
      };
    } catch (error) {
      this.problem = (error as Error).message;
    } finally {
      this.planning = false;
    }
  }

  /** Saves every planned run as a delivery with its stops (each run all or nothing). */
  async save(now = new Date()): Promise<boolean> {
    const plan = this.plan;
    if (!plan || !this.startId || this.saving || this.mode !== 'supplies') return false;
    this.saving = true;
    this.problem = null;
    try {
      for (const run of plan.runs) {
        const coordinates: Position[] = run.legs.flatMap((leg, i) => (i === 0 ? leg.geometry : leg.geometry.slice(1)));
        const route: LineString | null = coordinates.length > 1 ? { type: 'LineString', coordinates } : null;
        const result = await planDelivery({
          depot_id: this.startId,
          truck: run.truck,
          has_pass: this.hasPass,
          route,
          start_at: now.toISOString(),
          planned_seconds: Math.round(run.seconds),
          planned_metres: Math.round(run.metres),
          stops: run.stops.map((stop) => ({
            compound_id: stop.id,
            eta: Number.isFinite(stop.arrivalSeconds)
              ? new Date(now.getTime() + stop.arrivalSeconds * 1000).toISOString()
              : null,
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
