/**
 * The dataset's file contract: GeoJSON FeatureCollections (RFC 7946, WGS84, [lng, lat],
 * 6 decimals) and the properties of each file. A district bringing its own data writes these
 * files; `data/README.md` documents them for people.
 */
export type Position = [number, number];

export interface Point {
  type: 'Point';
  coordinates: Position;
}
export interface LineString {
  type: 'LineString';
  coordinates: Position[];
}
export interface Polygon {
  type: 'Polygon';
  coordinates: Position[][];
}

export interface Feature<G, P> {
  type: 'Feature';
  properties: P;
  geometry: G;
}
export interface FeatureCollection<G, P> {
  type: 'FeatureCollection';
  features: Feature<G, P>[];
}

export type DistrictId = 'dst-xiaohai' | 'dst-zhongxing' | 'dst-xinkai' | 'dst-zhuhang' | 'dst-laohonggang';

/** Every feature says it is invented: the names of real places are real, geometry is not. */
interface Synthetic {
  synthetic: true;
}

export interface DistrictProps extends Synthetic {
  id: DistrictId;
  name_zh: string;
  name_en: string;
  residents: number;
}

export interface WaterProps extends Synthetic {
  id: string;
  kind: 'river' | 'canal';
  name_zh: string;
  name_en: string;
}

export type RoadClass = 'motorway' | 'trunk' | 'primary' | 'secondary' | 'tertiary' | 'residential' | 'service';

export interface RoadProps extends Synthetic {
  id: string;
  class: RoadClass;
  name_zh: string;
  /** Optional in the import format; the English map labels use it. */
  name_en: string;
  oneway: boolean;
  speed_kmh: number;
}

export interface CompoundProps extends Synthetic {
  id: string;
  name_zh: string;
  name_en: string;
  district: DistrictId;
  households: number;
  residents: number;
  /** Where supply trucks unload: the inner end of the compound's access road (a road vertex). */
  drop_point: Position;
}

export type SiteKind = 'testing_site' | 'mobile_testing' | 'checkpoint' | 'quarantine_site' | 'depot' | 'enterprise';

interface SiteBase extends Synthetic {
  id: string;
  kind: SiteKind;
  name_zh: string;
  name_en: string;
  district: DistrictId;
}

export interface TestingSiteProps extends SiteBase {
  kind: 'testing_site';
  capacity_per_hour: number;
  /** Local time, HH:MM. */
  opens: string;
  closes: string;
  status: 'open' | 'paused' | 'closed';
  /** People waiting on 12 April at 14:00 (0 unless open). */
  queue_length: number;
}
export interface MobileTestingProps extends SiteBase {
  kind: 'mobile_testing';
  capacity_per_hour: number;
}
export interface CheckpointProps extends SiteBase {
  kind: 'checkpoint';
  state: 'open' | 'restricted' | 'closed';
  /** Name of the expressway the checkpoint stands on. */
  road: string;
  pass_required: boolean;
}
export interface QuarantineSiteProps extends SiteBase {
  kind: 'quarantine_site';
  rooms_total: number;
  rooms_ready: number;
  rooms_occupied: number;
  site_type: 'hotel' | 'converted_apartment';
}
export interface DepotProps extends SiteBase {
  kind: 'depot';
}
export interface EnterpriseProps extends SiteBase {
  kind: 'enterprise';
  key: boolean;
}
export type SiteProps =
  TestingSiteProps | MobileTestingProps | CheckpointProps | QuarantineSiteProps | DepotProps | EnterpriseProps;

export type ZoneLevel = 'lockdown' | 'control' | 'precaution';
export type ZoneStatus = 'active' | 'lifted';

export interface ZoneProps extends Synthetic {
  id: string;
  name_zh: string;
  name_en: string;
  level: ZoneLevel;
  status: ZoneStatus;
  /** ISO 8601 with the China Standard Time offset, e.g. 2022-04-04T00:00:00+08:00. */
  effective_from: string;
  /** Days without new cases before the zone is reviewed for lifting. */
  review_days: number;
  /** The sub-district the zone's centre lies in (the database's `zones.district`). */
  district: DistrictId;
}

export interface Dataset {
  districts: FeatureCollection<Polygon, DistrictProps>;
  water: FeatureCollection<Polygon, WaterProps>;
  roads: FeatureCollection<LineString, RoadProps>;
  compounds: FeatureCollection<Polygon, CompoundProps>;
  sites: FeatureCollection<Point, SiteProps>;
  zones: FeatureCollection<Polygon, ZoneProps>;
}

/** File name of each collection inside a dataset folder. */
export const DATASET_FILES: Record<keyof Dataset, string> = {
  districts: 'districts.geojson',
  water: 'water.geojson',
  roads: 'roads.geojson',
  compounds: 'compounds.geojson',
  sites: 'sites.geojson',
  zones: 'zones.geojson',
};
