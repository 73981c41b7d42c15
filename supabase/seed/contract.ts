import { z } from 'zod';
import {
  CHECKPOINT_STATES,
  QUARANTINE_SITE_TYPES,
  ROAD_CLASSES,
  SITE_KINDS,
  SITE_STATUSES,
  ZONE_LEVELS,
  ZONE_STATUSES,
} from '../../src/domain/rows.ts';

/**
 * The import format (data/README.md): one GeoJSON FeatureCollection per table, WGS84, with
 * these properties. A district bringing its own data writes the same files; anything else
 * in `properties` (e.g. `synthetic`) is ignored.
 */

const position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
const ring = z.array(position).min(4);
const polygon = z.object({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1) });
const multiPolygon = z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring).min(1)).min(1) });
const areal = z.union([polygon, multiPolygon]);
const point = z.object({ type: z.literal('Point'), coordinates: position });
const lineString = z.object({ type: z.literal('LineString'), coordinates: z.array(position).min(2) });

const id = z.string().min(1);
const count = z.number().int().min(0);
const clock = z.string().regex(/^\d{1,2}:\d{2}(:\d{2})?$/, 'a time of day like 08:00');

function collection<G extends z.ZodType, P extends z.ZodType>(geometry: G, properties: P) {
  return z.object({
    type: z.literal('FeatureCollection'),
    features: z.array(z.object({ type: z.literal('Feature'), geometry, properties })),
  });
}

export const districtsFile = collection(
  areal,
  z.object({ id, name_zh: z.string().min(1), name_en: z.string().nullish(), residents: count }),
);

export const compoundsFile = collection(
  areal,
  z.object({
    id,
    name_zh: z.string().min(1),
    name_en: z.string().nullish(),
    district: z.string().nullish(),
    households: count,
    residents: count,
    drop_point: position.nullish(),
  }),
);

export const sitesFile = collection(
  point,
  z.object({
    id,
    kind: z.enum(SITE_KINDS),
    name_zh: z.string().min(1),
    name_en: z.string().nullish(),
    district: z.string().nullish(),
    status: z.enum(SITE_STATUSES).nullish(),
    capacity_per_hour: count.nullish(),
    opens: clock.nullish(),
    closes: clock.nullish(),
    queue_length: count.nullish(),
    state: z.enum(CHECKPOINT_STATES).nullish(),
    road: z.string().nullish(),
    pass_required: z.boolean().nullish(),
    rooms_total: count.nullish(),
    rooms_ready: count.nullish(),
    rooms_occupied: count.nullish(),
    site_type: z.enum(QUARANTINE_SITE_TYPES).nullish(),
    key: z.boolean().nullish(),
  }),
);

export const roadsFile = collection(
  lineString,
  z.object({
    id,
    class: z.enum(ROAD_CLASSES),
    name_zh: z.string().nullish(),
    name_en: z.string().nullish(),
    oneway: z.boolean(),
    speed_kmh: z.number().positive().max(200),
  }),
);

export const zonesFile = collection(
  areal,
  z.object({
    id,
    name_zh: z.string().min(1),
    name_en: z.string().nullish(),
    level: z.enum(ZONE_LEVELS),
    status: z.enum(ZONE_STATUSES),
    district: z.string().nullish(),
    effective_from: z.string().nullish(),
    review_days: z.number().int().min(1).max(60).nullish(),
    notes: z.string().nullish(),
  }),
);
