import type { LineString } from 'geojson';
import { splitZone as splitGeometry } from '../../geo/split-zone.ts';
import { refuse, type EditContext, type OperationResult } from '../operation.ts';
import type { WorkingZone } from '../working-zone.ts';

/**
 * Splits a zone along a drawn line: the largest piece keeps the zone (its id, history and
 * level), each other piece becomes a new draft zone of the same level, named after it.
 */
export function splitZone(context: EditContext, id: string, line: LineString): OperationResult {
  const zone = context.zone(id);
  if (!zone) return refuse('zone_not_found');
  const result = splitGeometry(zone.fields.geom, line);
  if (!result.ok) return refuse(result.reason);
  const [first, ...rest] = result.pieces;
  const pieces: WorkingZone[] = rest.map((geom, index) => ({
    id: context.newId(),
    base: null,
    fields: {
      ...zone.fields,
      status: 'draft',
      name: `${zone.fields.name} (${index + 2})`,
      name_en: zone.fields.name_en ? `${zone.fields.name_en} (${index + 2})` : null,
      // The wording described the whole zone; each piece needs its own.
      bounds_zh: null,
      bounds_en: null,
      geom,
    },
  }));
  return {
    ok: true,
    moment: {
      note: 'split',
      remove: [],
      put: [{ ...zone, fields: { ...zone.fields, geom: first, bounds_zh: null, bounds_en: null } }, ...pieces],
    },
  };
}
