import type { LineString, Position } from 'geojson';
import type { DeliveryRow, DeliveryStopRow } from '../domain/rows.ts';
import type { PlannedRun, UnplannedStop } from '../routing/plan-run.ts';
import { checkRuns, FINISHED_RUN_STATUSES, splitRouteAtStops, type RunBreaks } from '../routing/run-breaks.ts';
import { replanDelivery } from '../services/delivery-writes.ts';
import { dispatch } from './dispatch.svelte.ts';
import { deliveries, deliveryStops, staffCompounds, staffSites } from './staff-data.svelte.ts';

/** A re-plan of a saved run, shown beside the run as it stands until the dispatcher applies or drops it. */
export interface ReplanProposal {
  delivery: DeliveryRow;
  /** What broke the run when the re-plan was made. */
  breaks: RunBreaks;
  /** The stops as they stand, in seq order. */
  before: DeliveryStopRow[];
  /** The legs still to drive on the saved route (drawn dashed beside the new ones). */
  oldLegs: Position[][];
  /** The new run from where the truck is to the stops left and back to its start. */
  run: PlannedRun;
  /** A stop where the truck stands now (arrived, not yet delivered): kept first. */
  arrivedId: string | null;
  /** Stops the new run cannot reach now; applying the re-plan takes them off this run. */
  unreachable: UnplannedStop[];
}

/**
 * Watches every saved run that is still to be driven against the zones and checkpoints in force
 * (`checkRuns`, recomputed whenever a delivery, a stop, a zone or a checkpoint changes, so a
 * commander's change flags a run as soon as it arrives over realtime), and re-plans a broken run
 * from where its truck is: after its last stop done (or at its depot), keeping the stops already
 * served, back to its depot at the end.
 */
class RunWatch {
  /** Breaks by delivery id, for runs still planned or en route. */
  readonly breaks = $derived.by((): ReadonlyMap<string, RunBreaks> => {
    const open = deliveries.items.filter((d) => !FINISHED_RUN_STATUSES.has(d.status));
    const runs = open.map((delivery) => {
      const stops = this.stopsOf(delivery.id);
      return {
        route: delivery.route,
        hasPass: delivery.has_pass,
        depot: this.startOf(delivery) ?? [0, 0],
        stops: stops.map((stop) => ({ position: this.dropPoint(stop.compound_id) ?? [0, 0], status: stop.status })),
        status: delivery.status,
      };
    });
    const results = checkRuns(runs, dispatch.closures());
    return new Map(open.map((delivery, i) => [delivery.id, results[i]]));
  });

  proposal = $state.raw<ReplanProposal | null>(null);
  busy = $state(false);
  problem = $state<string | null>(null);

  stopsOf(deliveryId: string): DeliveryStopRow[] {
    return deliveryStops.items.filter((stop) => stop.delivery_id === deliveryId).sort((a, b) => a.seq - b.seq);
  }

  /** Where the run starts and ends: its depot, or the expressway checkpoint it entered by. */
  private startOf(delivery: DeliveryRow): Position | null {
    return staffSites.items.find((site) => site.id === delivery.depot_id)?.geom.coordinates ?? null;
  }

  private dropPoint(compoundId: string): Position | null {
    return staffCompounds.items.find((c) => c.id === compoundId)?.drop_point?.coordinates ?? null;
  }

  /** Plans the rest of a run from where the truck is now; shows it beside the saved route. */
  async propose(delivery: DeliveryRow): Promise<void> {
    const breaks = this.breaks.get(delivery.id);
    const start = this.startOf(delivery);
    if (!breaks || !start || this.busy) return;
    const before = this.stopsOf(delivery.id);
    const resume = breaks.resumeFrom.stopIndex === null ? null : before[breaks.resumeFrom.stopIndex];
    const arrivedId = resume?.status === 'arrived' ? resume.compound_id : null;
    const left = before.filter((stop) => stop.status === 'pending');
    this.busy = true;
    this.problem = null;
    try {
      const client = await dispatch.client();
      const plan = await client.planRuns(dispatch.closures(delivery.has_pass), {
        start: breaks.resumeFrom.position,
        end: start,
        stops: left.flatMap((stop) => {
          const position = this.dropPoint(stop.compound_id);
          return position ? [{ id: stop.compound_id, position, parcels: stop.parcels ?? 0 }] : [];
        }),
        trucks: [{ id: delivery.truck, capacity: Infinity }],
      });
      const run: PlannedRun = plan.runs[0] ?? {
        truck: delivery.truck,
        seconds: 0,
        metres: 0,
        load: 0,
        stops: [],
        legs: [],
      };
      const oldLegs = delivery.route
        ? splitRouteAtStops(
            delivery.route.coordinates,
            before.map((stop) => this.dropPoint(stop.compound_id) ?? [0, 0]),
          ).slice(breaks.firstLeg)
        : [];
      this.proposal = {
        delivery,
        breaks,
        before,
        oldLegs,
        run,
        arrivedId,
        unreachable: plan.unassigned,
      };
    } catch (error) {
      this.problem = (error as Error).message;
    } finally {
      this.busy = false;
    }
  }

  /**
   * Saves the proposal (replan_delivery at the version it was made from): the stops served stay
   * first; the truck's current stop, then the new order; the route is the part already driven
   * followed by the new legs. A run changed meanwhile is refused (conflict) and nothing changes.
   */
  async apply(now = new Date()): Promise<boolean> {
    const proposal = this.proposal;
    if (!proposal || this.busy) return false;
    const { delivery, before, breaks, run, arrivedId } = proposal;
    this.busy = true;
    this.problem = null;
    try {
      const driven = delivery.route
        ? splitRouteAtStops(
            delivery.route.coordinates,
            before.map((stop) => this.dropPoint(stop.compound_id) ?? [0, 0]),
          ).slice(0, breaks.firstLeg)
        : [];
      const coordinates = [...driven, ...run.legs.map((leg) => leg.geometry)].reduce<Position[]>(
        (line, part) => (part.length ? [...line, ...(line.length ? part.slice(1) : part)] : line),
        [],
      );
      const route: LineString | null = coordinates.length > 1 ? { type: 'LineString', coordinates } : null;
      const stops = [
        ...(arrivedId ? [{ compound_id: arrivedId }] : []),
        ...run.stops.map((stop) => ({
          compound_id: stop.id,
          eta: Number.isFinite(stop.arrivalSeconds)
            ? new Date(now.getTime() + stop.arrivalSeconds * 1000).toISOString()
            : null,
        })),
      ];
      if (!stops.length) {
        this.problem = 'nothing_left';
        return false;
      }
      const result = await replanDelivery(delivery.id, delivery.version, route, stops);
      if (!result.ok) {
        this.problem = result.kind === 'conflict' ? 'changed_meanwhile' : result.message;
        return false;
      }
      deliveries.apply({ op: 'upsert', row: result.row.delivery });
      const kept = new Set(result.row.stops.map((stop) => stop.id));
      for (const stop of before) if (!kept.has(stop.id)) deliveryStops.apply({ op: 'remove', id: stop.id });
      for (const stop of result.row.stops) deliveryStops.apply({ op: 'upsert', row: stop });
      this.proposal = null;
      return true;
    } finally {
      this.busy = false;
    }
  }

  dismiss(): void {
    this.proposal = null;
    this.problem = null;
  }
}

export const runWatch = new RunWatch();
