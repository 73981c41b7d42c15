import type { MultiPolygon, Polygon } from 'geojson';
import type { ZoneLevel } from '../../domain/rows.ts';
import { asMultiPolygon } from '../../geo/zone-geometry.ts';
import type { EditContext, OperationResult } from '../operation.ts';

export interface NewZone {
  geom: Polygon | MultiPolygon;
  level: ZoneLevel;
  name: string;
  name_en?: string | null;
  /** The i18n key of what made it (drawn, from compounds, ring...); default 'create'. */
  note?: string;
}

/** A new draft zone, in the session only until it is saved. */
export function createZone(context: EditContext, zone: NewZone): OperationResult {
  const id = context.newId();
  return {
    ok: true,
    moment: {
      note: zone.note ?? 'create',
      remove: [],
      put: [
        {
          id,
          base: null,
          fields: {
            name: zone.name,
            name_en: zone.name_en ?? null,
            level: zone.level,
            status: 'draft',
            geom: asMultiPolygon(zone.geom),
            effective_from: null,
            review_days: null,
            notes: null,
            bounds_zh: null,
            bounds_en: null,
          },
        },
      ],
    },
  };
}
