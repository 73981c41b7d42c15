import type { ZoneFields } from '../working-zone.ts';
import { refuse, type EditContext, type OperationResult } from '../operation.ts';

/** Changes a zone's name, level, effective time, review period or notes. */
export function setFields(
  context: EditContext,
  id: string,
  fields: Partial<Omit<ZoneFields, 'geom'>>,
  note = 'fields',
): OperationResult {
  const zone = context.zone(id);
  if (!zone) return refuse('zone_not_found');
  return { ok: true, moment: { note, remove: [], put: [{ ...zone, fields: { ...zone.fields, ...fields } }] } };
}
