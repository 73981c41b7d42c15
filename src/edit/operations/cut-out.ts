import type { MultiPolygon, Polygon } from 'geojson';
import { addPart, cutOut } from '../../geo/cut-out.ts';
import { refuse, type EditContext, type OperationResult } from '../operation.ts';
import { reshapeZone } from './reshape-zone.ts';

/** Cuts a shape out of a zone (a hole, or a corner): e.g. a lockdown zone out of a precaution zone. */
export function cutOutOfZone(context: EditContext, id: string, cutter: Polygon | MultiPolygon): OperationResult {
  const zone = context.zone(id);
  if (!zone) return refuse('zone_not_found');
  const result = cutOut(zone.fields.geom, cutter);
  return result.ok ? reshapeZone(context, id, result.geom, 'cutOut') : refuse(result.reason);
}

/** Adds a shape to a zone: a second block, or an extension. */
export function addPartToZone(context: EditContext, id: string, part: Polygon | MultiPolygon): OperationResult {
  const zone = context.zone(id);
  if (!zone) return refuse('zone_not_found');
  const result = addPart(zone.fields.geom, part);
  return result.ok ? reshapeZone(context, id, result.geom, 'addPart') : refuse(result.reason);
}
