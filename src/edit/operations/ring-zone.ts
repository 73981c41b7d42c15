import { ringAround } from '../../geo/ring-zone.ts';
import { refuse, type EditContext, type OperationResult } from '../operation.ts';
import { createZone } from './create-zone.ts';

/** A control zone `metres` wide around a zone, never covering the zone itself. */
export function ringZone(
  context: EditContext,
  id: string,
  metres: number,
  name: { name: string; name_en: string | null },
): OperationResult {
  const inner = context.zone(id);
  if (!inner) return refuse('zone_not_found');
  const result = ringAround(inner.fields.geom, metres);
  if (!result.ok) return refuse(result.reason);
  return createZone(context, {
    geom: result.geom,
    level: inner.fields.level === 'lockdown' ? 'control' : 'precaution',
    ...name,
    note: 'ring',
  });
}
