import type {
  DeliveryConflictDetails,
  DeliveryPlan,
  DeliveryStopInput,
  PlanDeliveryInput,
  StopStatus,
  StopStatusResult,
} from '../domain/rows.ts';
import type { Feature, LineString } from 'geojson';
import { supabase } from './supabase.ts';
import { callWrite, type WriteResult } from './write-result.ts';

/**
 * The dispatcher's writes to supply runs, over the RPC functions of
 * supabase/migrations/…1200_delivery_writes.sql. Like zone-writes.ts, every function resolves,
 * never throws for what the server refuses (see WriteResult):
 *
 * - `conflict`: `details.conflict` 'stop' (the stop is no longer at the expected status:
 *   `details.current_status`), 'delivery' (re-plan from an outdated run: `currentVersion`; or a
 *   plan whose id is in use, i.e. a retried plan that went through).
 * - `invalid`: bad input, a forbidden status step, a completed or cancelled run.
 * - `denied`: not signed in as a dispatcher. `not_found`: no such stop or run. `network`.
 */
export type DeliveryWriteResult<R> = WriteResult<R, DeliveryConflictDetails>;

/** Writes a run and its stops (seq 1..n in the given order), all or nothing. */
export function planDelivery(run: PlanDeliveryInput, client = supabase): Promise<DeliveryWriteResult<DeliveryPlan>> {
  return callWrite('plan_delivery', { run }, client);
}

/**
 * Moves a stop from `expectedStatus` to `status`: pending -> arrived -> delivered, pending or
 * arrived -> skipped, one step back for a mis-tap (delivered -> arrived, arrived -> pending,
 * skipped -> pending). The run becomes en_route / completed as its stops go.
 */
export function setStopStatus(
  stopId: string,
  status: StopStatus,
  expectedStatus: StopStatus,
  client = supabase,
): Promise<DeliveryWriteResult<StopStatusResult>> {
  return callWrite('set_stop_status', { stop_id: stopId, status, expected_status: expectedStatus }, client);
}

/**
 * Re-plans a run at `expectedVersion`: the stops delivered or skipped stay first; `stops` (non-empty)
 * replaces the others in the new order; `route` replaces the route (null clears it).
 */
export function replanDelivery(
  deliveryId: string,
  expectedVersion: number,
  route: LineString | Feature<LineString> | null,
  stops: readonly DeliveryStopInput[],
  client = supabase,
): Promise<DeliveryWriteResult<DeliveryPlan>> {
  return callWrite(
    'replan_delivery',
    { delivery_id: deliveryId, expected_version: expectedVersion, route, stops },
    client,
  );
}
