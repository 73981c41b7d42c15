import { mergeZones as mergeGeometries } from '../../geo/merge-zones.ts';
import { refuse, type EditContext, type OperationResult } from '../operation.ts';

/**
 * Merges `otherId` into `keepId`: the kept zone gets the union (two blocks stay one zone of two
 * parts); the other is lifted, or dropped if it exists only in this session.
 */
export function mergeZones(context: EditContext, keepId: string, otherId: string): OperationResult {
  const keep = context.zone(keepId);
  const other = context.zone(otherId);
  if (!keep || !other) return refuse('zone_not_found');
  if (keepId === otherId) return refuse('same_zone');
  const result = mergeGeometries(keep.fields.geom, other.fields.geom);
  if (!result.ok) return refuse(result.reason);
  const kept = { ...keep, fields: { ...keep.fields, geom: result.geom } };
  return other.base === null
    ? { ok: true, moment: { note: 'merge', remove: [otherId], put: [kept] } }
    : {
        ok: true,
        moment: { note: 'merge', remove: [], put: [kept, { ...other, fields: { ...other.fields, status: 'lifted' } }] },
      };
}
