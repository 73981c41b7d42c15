import { repairPolygon } from '../../geo/repair-polygon.ts';
import { refuse, type EditContext, type OperationResult } from '../operation.ts';
import { reshapeZone } from './reshape-zone.ts';

/** The one-click repair of a self-intersecting boundary. */
export function repairZone(context: EditContext, id: string): OperationResult {
  const zone = context.zone(id);
  if (!zone) return refuse('zone_not_found');
  const result = repairPolygon(zone.fields.geom);
  return result.ok ? reshapeZone(context, id, result.geom, 'repair') : refuse(result.reason);
}
