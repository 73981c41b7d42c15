import type { MultiPolygon, Polygon } from 'geojson';
import { asMultiPolygon } from '../../geo/zone-geometry.ts';
import { refuse, type EditContext, type OperationResult } from '../operation.ts';

/** Gives a zone a new boundary (a vertex dragged, a part added, a shape repaired...). */
export function reshapeZone(
  context: EditContext,
  id: string,
  geom: Polygon | MultiPolygon,
  note = 'reshape',
): OperationResult {
  const zone = context.zone(id);
  if (!zone) return refuse('zone_not_found');
  return {
    ok: true,
    moment: { note, remove: [], put: [{ ...zone, fields: { ...zone.fields, geom: asMultiPolygon(geom) } }] },
  };
}
