/**
 * Row types of the database tables (supabase/migrations is the truth; tests/db checks this
 * file against it). Geometry columns arrive as GeoJSON geometries, timestamps as ISO strings
 * with offset, `time` columns as `HH:MM:SS`. The public column lists are what anonymous
 * callers may select (their column grants): use them in the public app's selects, since
 * `select=*` is refused for the anon role on tables with column grants.
 */
import type { Feature, LineString, MultiPolygon, Point, Polygon } from 'geojson';

export const ZONE_LEVELS = ['lockdown', 'control', 'precaution'] as const;
export type ZoneLevel = (typeof ZONE_LEVELS)[number];

export const ZONE_STATUSES = ['draft', 'active', 'lifted'] as const;
export type ZoneStatus = (typeof ZONE_STATUSES)[number];

/** 'imported': written by the seed loader, not by a user. */
export const ZONE_CHANGE_KINDS = [
  'imported',
  'created',
  'reshaped',
  'level_changed',
  'status_changed',
  'renamed',
  'updated',
  'deleted',
] as const;
export type ZoneChangeKind = (typeof ZONE_CHANGE_KINDS)[number];

export const SITE_KINDS = ['testing_site', 'mobile_testing', 'checkpoint', 'quarantine_site', 'depot', 'enterprise'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];

/** The kinds of site the public may see. */
export const PUBLIC_SITE_KINDS = ['testing_site', 'mobile_testing', 'checkpoint'] as const satisfies readonly SiteKind[];

export const SITE_STATUSES = ['open', 'paused', 'closed'] as const;
export type SiteStatus = (typeof SITE_STATUSES)[number];

export const CHECKPOINT_STATES = ['open', 'restricted', 'closed'] as const;
export type CheckpointState = (typeof CHECKPOINT_STATES)[number];

export const QUARANTINE_SITE_TYPES = ['hotel', 'converted_apartment'] as const;
export type QuarantineSiteType = (typeof QUARANTINE_SITE_TYPES)[number];

export const ROAD_CLASSES = ['motorway', 'trunk', 'primary', 'secondary', 'tertiary', 'residential', 'service'] as const;
export type RoadClass = (typeof ROAD_CLASSES)[number];

export const DELIVERY_STATUSES = ['planned', 'en_route', 'completed', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const STOP_STATUSES = ['pending', 'arrived', 'delivered', 'skipped'] as const;
export type StopStatus = (typeof STOP_STATUSES)[number];

/** Roles carried in `app_metadata.role` of a staff user's JWT. */
export const APP_ROLES = ['commander', 'dispatcher'] as const;
export type AppRole = (typeof APP_ROLES)[number];

export interface DistrictRow {
  id: string;
  name: string;
  name_en: string | null;
  residents: number;
  geom: MultiPolygon;
}

export interface CompoundRow {
  id: string;
  name: string;
  name_en: string | null;
  district: string | null;
  households: number;
  residents: number;
  geom: MultiPolygon;
  /** Staff only. */
  drop_point: Point | null;
}

export interface ZoneRow {
  id: string;
  name: string;
  name_en: string | null;
  level: ZoneLevel;
  status: ZoneStatus;
  district: string | null;
  geom: MultiPolygon;
  effective_from: string | null;
  review_days: number | null;
  notes: string | null;
  /** Bumped by the database on every change; send it back to save (save_zone). */
  version: number;
  created_at: string;
  updated_at: string;
  updated_by: string | null;
  /** Boundary wording (四至) as the posted notice gives it, in Chinese; public. */
  bounds_zh: string | null;
  /** Boundary wording in English; public. */
  bounds_en: string | null;
}

/**
 * A zone as a revision recorded it: revisions written before the boundary wording existed
 * (…002100_zone_bounds.sql) have no `bounds_zh` / `bounds_en` keys at all.
 */
export type ZoneSnapshot<T extends Pick<ZoneRow, 'bounds_zh' | 'bounds_en'>> = Omit<T, 'bounds_zh' | 'bounds_en'> &
  Partial<Pick<T, 'bounds_zh' | 'bounds_en'>>;

export interface ZoneRevisionRow {
  id: number;
  zone_id: string;
  /** The zone's version after this change (a deletion gets the next version). */
  version: number;
  op: 'INSERT' | 'UPDATE' | 'DELETE';
  change_kind: ZoneChangeKind;
  changed_fields: string[];
  /** The whole zone row as it was after the change (before it, for a deletion). */
  row: ZoneSnapshot<ZoneRow>;
  /** The public columns of `row` when the zone was active or lifted, else null. */
  public_row: ZoneSnapshot<PublicZoneRow> | null;
  changed_by: string | null;
  changed_by_email: string | null;
  changed_at: string;
}

/**
 * The pending edit of a published (active) or lifted zone: the whole proposed zone, one per zone,
 * commanders only. `save_zone_draft` writes it, `publish_zones` writes it onto the zone and
 * deletes it, `discard_zone_draft` deletes it.
 */
export interface ZoneDraftRow {
  zone_id: string;
  /** The zone version the edit started from; publishing needs the zone still at it. */
  base_version: number;
  name: string;
  name_en: string | null;
  level: ZoneLevel;
  /** A draft keeps the zone public or lifts it. */
  status: ZoneDraftStatus;
  geom: MultiPolygon;
  effective_from: string | null;
  review_days: number | null;
  notes: string | null;
  /** The draft's own version, bumped by the database on every change; send it back to save. */
  version: number;
  created_at: string;
  updated_at: string;
  updated_by: string | null;
  updated_by_email: string | null;
  /** Boundary wording (四至), published with the draft. */
  bounds_zh: string | null;
  bounds_en: string | null;
}

export const ZONE_DRAFT_STATUSES = ['active', 'lifted'] as const satisfies readonly ZoneStatus[];
export type ZoneDraftStatus = (typeof ZONE_DRAFT_STATUSES)[number];

export interface SiteRow {
  id: string;
  kind: SiteKind;
  name: string;
  name_en: string | null;
  district: string | null;
  geom: Point;
  status: SiteStatus | null;
  capacity_per_hour: number | null;
  opens: string | null;
  closes: string | null;
  queue_length: number | null;
  state: CheckpointState | null;
  road: string | null;
  pass_required: boolean | null;
  rooms_total: number | null;
  rooms_ready: number | null;
  rooms_occupied: number | null;
  site_type: QuarantineSiteType | null;
  key: boolean | null;
  version: number;
  updated_at: string;
  updated_by: string | null;
}

export interface RoadRow {
  id: string;
  class: RoadClass;
  name: string | null;
  name_en: string | null;
  oneway: boolean;
  speed_kmh: number;
  geom: LineString;
}

export interface DeliveryRow {
  id: string;
  /**
   * Where the run starts: a supply depot (kind 'depot'), or the expressway checkpoint (kind
   * 'checkpoint') a truck from outside enters by. The name is kept for compatibility.
   */
  depot_id: string;
  truck: string;
  status: DeliveryStatus;
  route: LineString | null;
  notes: string | null;
  /** Bumped by the database on every change of the run or of one of its stops; send it back to re-plan. */
  version: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  updated_by: string | null;
  /** Whether the truck carries a pass for restricted checkpoints. */
  has_pass: boolean;
  /** Planned departure from the depot. */
  start_at: string | null;
  /** What the router planned for the whole run (depot to the last stop). */
  planned_seconds: number | null;
  planned_metres: number | null;
  /** When a stop of this run last changed (set by the database). */
  stops_updated_at: string | null;
}

export interface DeliveryStopRow {
  id: string;
  delivery_id: string;
  /** 1-based order within the delivery. */
  seq: number;
  compound_id: string;
  status: StopStatus;
  eta: string | null;
  arrived_at: string | null;
  delivered_at: string | null;
  updated_at: string;
  /** Households served at this stop; plan_delivery defaults it to the compound's households. */
  parcels: number | null;
}

export const ZONE_PUBLIC_COLUMNS = [
  'id',
  'name',
  'name_en',
  'level',
  'status',
  'district',
  'geom',
  'effective_from',
  'review_days',
  'version',
  'updated_at',
  'bounds_zh',
  'bounds_en',
] as const satisfies readonly (keyof ZoneRow)[];
export type PublicZoneRow = Pick<ZoneRow, (typeof ZONE_PUBLIC_COLUMNS)[number]>;

export const ZONE_REVISION_PUBLIC_COLUMNS = [
  'id',
  'zone_id',
  'version',
  'op',
  'change_kind',
  'changed_fields',
  'public_row',
  'changed_at',
] as const satisfies readonly (keyof ZoneRevisionRow)[];
export type PublicZoneRevisionRow = Pick<ZoneRevisionRow, (typeof ZONE_REVISION_PUBLIC_COLUMNS)[number]>;

export const COMPOUND_PUBLIC_COLUMNS = [
  'id',
  'name',
  'name_en',
  'district',
  'households',
  'residents',
  'geom',
] as const satisfies readonly (keyof CompoundRow)[];
export type PublicCompoundRow = Pick<CompoundRow, (typeof COMPOUND_PUBLIC_COLUMNS)[number]>;

export const SITE_PUBLIC_COLUMNS = [
  'id',
  'kind',
  'name',
  'name_en',
  'district',
  'geom',
  'status',
  'capacity_per_hour',
  'opens',
  'closes',
  'queue_length',
  'state',
  'road',
  'pass_required',
  'version',
  'updated_at',
] as const satisfies readonly (keyof SiteRow)[];
export type PublicSiteRow = Pick<SiteRow, (typeof SITE_PUBLIC_COLUMNS)[number]>;

export const DISTRICT_PUBLIC_COLUMNS = ['id', 'name', 'name_en', 'residents', 'geom'] as const satisfies readonly (keyof DistrictRow)[];
export const ROAD_PUBLIC_COLUMNS = ['id', 'class', 'name', 'name_en', 'oneway', 'speed_kmh', 'geom'] as const satisfies readonly (keyof RoadRow)[];

/** What `zone_impact(geom)` returns: figures over the rows the caller may see. */
export interface ZoneImpact {
  households: number;
  residents: number;
  /** Compounds whose point-on-surface lies inside the polygon, counted whole. */
  compounds: number;
  compound_ids: string[];
  /** Sites inside the polygon by kind; a kind with none is absent. */
  sites: Partial<Record<SiteKind, number>>;
  key_enterprises: number;
  area_m2: number;
}

/** A row of `zones_at_point(lng, lat)`, most severe level first (without geometry and boundary wording). */
export type ZoneAtPoint = Omit<PublicZoneRow, 'geom' | 'bounds_zh' | 'bounds_en'>;

/** A row of `nearest_sites(lng, lat, kind, max_count, open_only)`, nearest first. */
export interface NearestSite {
  id: string;
  name: string;
  name_en: string | null;
  district: string | null;
  status: SiteStatus | null;
  state: CheckpointState | null;
  geom: Point;
  /** Geodesic distance from the query point in metres. */
  distance_m: number;
}

/** Fields `save_zone(id, expected_version, patch)` accepts in `patch`. */
export type ZonePatch = Partial<
  Pick<
    ZoneRow,
    | 'name'
    | 'name_en'
    | 'level'
    | 'status'
    | 'district'
    | 'geom'
    | 'effective_from'
    | 'review_days'
    | 'notes'
    | 'bounds_zh'
    | 'bounds_en'
  >
>;

/** SQLSTATEs the RPC functions raise (PostgREST answers PTnnn with HTTP nnn). */
export const RPC_ERRORS = { invalidInput: 'PT400', notFound: 'PT404', versionConflict: 'PT409' } as const;

/** GeoJSON geometry the zone RPCs accept: a Polygon or MultiPolygon (stored as MultiPolygon), or a Feature of one. */
export type ZoneGeometryInput = MultiPolygon | Polygon | Feature<MultiPolygon | Polygon>;

/** `fields` of `create_zone(fields)`: the zone is created with status 'draft'. */
export interface CreateZoneFields {
  /** Optional; a new UUID when absent. The id of a deleted zone continues its history. */
  id?: string;
  name: string;
  name_en?: string | null;
  level: ZoneLevel;
  geom: ZoneGeometryInput;
  effective_from?: string | null;
  review_days?: number | null;
  notes?: string | null;
  bounds_zh?: string | null;
  bounds_en?: string | null;
}

/**
 * `fields` of `save_zone_draft(zone_id, base_version, draft_version, fields)`: any of these; the
 * missing ones come from the zone (new draft) or the draft (existing one); null clears an optional one.
 */
export type ZoneDraftFields = Partial<
  Pick<
    ZoneDraftRow,
    'name' | 'name_en' | 'level' | 'status' | 'effective_from' | 'review_days' | 'notes' | 'bounds_zh' | 'bounds_en'
  > & {
    geom: ZoneGeometryInput;
  }
>;

/** One item of `publish_zones(items)`. */
export interface PublishZoneItem {
  id: string;
  /** The zone version the commander reviewed. */
  expected_version: number;
  /** The draft version the commander reviewed (zones with a draft); checked when given. */
  draft_version?: number | null;
}

/**
 * `details` of a PT409, as JSON: `current_version` is the zone's version (conflict 'zone' or
 * 'stale_draft') or the draft's (conflict 'draft'; null when the draft is gone).
 */
export interface VersionConflictDetails {
  current_version: number | null;
  conflict: 'zone' | 'draft' | 'stale_draft';
  zone_id: string;
  /** stale_draft: the version the draft started from. */
  base_version?: number;
  /** publish_zones, conflict 'draft': the draft's current version. */
  draft_version?: number;
}

/** One stop of `plan_delivery(run)` / `replan_delivery(…, stops)`, in the order the truck makes them. */
export interface DeliveryStopInput {
  compound_id: string;
  eta?: string | null;
  /** Households served; absent: the compound's households (a stop the run already had keeps its own on re-plan). */
  parcels?: number | null;
}

/** `run` of `plan_delivery(run)`: the delivery and its stops, written all or nothing. */
export interface PlanDeliveryInput {
  /** Optional; a new UUID when absent. Send one to make a retried plan safe (an id in use is PT409). */
  id?: string;
  /**
   * Where the run starts: a supply depot (kind 'depot'), or the expressway checkpoint (kind
   * 'checkpoint') a truck from outside enters by; one that is closed, or restricted while
   * `has_pass` is not set, is refused (PT400).
   */
  depot_id: string;
  truck: string;
  has_pass?: boolean;
  /** A GeoJSON LineString (or a Feature of one), or null. */
  route?: LineString | Feature<LineString> | null;
  notes?: string | null;
  start_at?: string | null;
  planned_seconds?: number | null;
  planned_metres?: number | null;
  /** Non-empty; each compound once. */
  stops: DeliveryStopInput[];
}

/** What `plan_delivery` and `replan_delivery` return: the run and its stops by seq. */
export interface DeliveryPlan {
  delivery: DeliveryRow;
  stops: DeliveryStopRow[];
}

/** What `set_stop_status(stop_id, status, expected_status)` returns: the stop and its run after the change. */
export interface StopStatusResult {
  stop: DeliveryStopRow;
  delivery: DeliveryRow;
}

/**
 * `details` of a PT409 from the delivery RPCs, as JSON: conflict 'delivery' (replan_delivery: the
 * run's version moved, `current_version` is the run's; plan_delivery: the id is in use) or 'stop'
 * (set_stop_status: the stop is no longer at the expected status, `current_status` is its status).
 */
export interface DeliveryConflictDetails {
  conflict: 'delivery' | 'stop';
  delivery_id: string;
  current_version?: number;
  stop_id?: string;
  current_status?: StopStatus;
}

// Headquarters operations (supabase/migrations/…001500 to …002000): site history and writes,
// mobile testing teams' enterprises, case reports, the zone rules and the decisions on their
// proposals. Staff read all of it, commanders write; the public sees none of it.

/** 'imported': written by the seed loader, not by a user. */
export const SITE_CHANGE_KINDS = ['imported', 'created', 'updated', 'deleted'] as const;
export type SiteChangeKind = (typeof SITE_CHANGE_KINDS)[number];

/** One revision of a site, written by trigger on every change (staff only: quarantine sites and depots are secret). */
export interface SiteRevisionRow {
  id: number;
  site_id: string;
  /** The site's kind (also in `row`), for trend queries by kind. */
  site_kind: SiteKind;
  /** The site's version after this change (a deletion gets the next version). */
  version: number;
  op: 'INSERT' | 'UPDATE' | 'DELETE';
  change_kind: SiteChangeKind;
  /** The columns that changed (updates; version and timestamps not counted). */
  changed_fields: (keyof SiteRow)[];
  /** The whole site row after the change (before it, for a deletion). */
  row: SiteRow;
  changed_by: string | null;
  changed_by_email: string | null;
  changed_at: string;
}

/** GeoJSON geometry the site RPCs accept: a Point (lng, lat), or a Feature of one. */
export type SiteGeometryInput = Point | Feature<Point>;

/** The columns of a site the RPCs set (all but id, kind and the server-owned ones). */
type SiteFields = Omit<SiteRow, 'id' | 'kind' | 'geom' | 'version' | 'updated_at' | 'updated_by'>;

/**
 * `fields` of `create_site(fields)`: kind, name and geom required. A checkpoint needs `state`, a
 * quarantine site `rooms_total` and `site_type`; opens and closes (`HH:MM` or `HH:MM:SS`) come
 * together; rooms_occupied <= rooms_ready <= rooms_total. `district` defaults to the district the
 * point lies in.
 */
export type CreateSiteFields = Partial<SiteFields> & {
  /** Optional; a new UUID when absent. */
  id?: string;
  kind: SiteKind;
  name: string;
  geom: SiteGeometryInput;
};

/** `patch` of `save_site(id, expected_version, patch)`: null clears an optional field; `kind` only as it is. */
export type SitePatch = Partial<SiteFields & { kind: SiteKind; geom: SiteGeometryInput }>;

/**
 * `details` of a PT409 from save_site, create_site, record_case_report, save_case_report and
 * save_zone_rules, as JSON: `current_version` is the record's (null when an id in use was created
 * at the same moment).
 */
export interface RecordConflictDetails {
  current_version: number | null;
  conflict: 'site' | 'case_report' | 'zone_rules';
  site_id?: string;
  case_report_id?: string;
}

/** An enterprise (site kind 'enterprise') a mobile testing team (site kind 'mobile_testing') serves. */
export interface MobileTeamEnterpriseRow {
  team_id: string;
  enterprise_id: string;
  created_at: string;
  created_by: string | null;
}

/** What `set_team_enterprises(team_id, enterprise_ids)` returns: the team's list after the call, sorted. */
export interface TeamEnterprises {
  team_id: string;
  enterprise_ids: string[];
}

/** Sources of case reports the app offers; `source` is free text (non-empty). */
export const CASE_REPORT_SOURCES = ['社区筛查', '集中隔离点', '密接追踪'] as const;

/** New cases reported in one compound on one day: figures only, never personal data. */
export interface CaseReportRow {
  id: string;
  compound_id: string;
  /** The day of the report (district time), `YYYY-MM-DD`. */
  reported_on: string;
  /** New cases, at least 1. */
  count: number;
  source: string;
  notes: string | null;
  /** Bumped by the database on every change; send it back to save (save_case_report). */
  version: number;
  created_at: string;
  created_by: string | null;
  updated_at: string;
  updated_by: string | null;
}

export const CASE_REPORT_CHANGE_KINDS = ['created', 'updated', 'deleted'] as const;
export type CaseReportChangeKind = (typeof CASE_REPORT_CHANGE_KINDS)[number];

/** One revision of a case report, written by trigger on every change. */
export interface CaseReportRevisionRow {
  id: number;
  case_report_id: string;
  version: number;
  op: 'INSERT' | 'UPDATE' | 'DELETE';
  change_kind: CaseReportChangeKind;
  changed_fields: (keyof CaseReportRow)[];
  /** The whole report after the change (before it, for a deletion). */
  row: CaseReportRow;
  changed_by: string | null;
  changed_by_email: string | null;
  changed_at: string;
}

/** `fields` of `record_case_report(fields)`. */
export interface RecordCaseReportFields {
  /** Optional; a new UUID when absent. Send one to make a retried call safe (an id in use is PT409). */
  id?: string;
  compound_id: string;
  /** `YYYY-MM-DD`, not after today in the district. */
  reported_on: string;
  count: number;
  source: string;
  notes?: string | null;
}

/** `patch` of `save_case_report(id, expected_version, patch)`. */
export type CaseReportPatch = Partial<Omit<RecordCaseReportFields, 'id'>>;

/** The zone rules: one row, staff read, commanders change it (save_zone_rules). */
export interface ZoneRulesRow {
  /** Always true: the table has one row. */
  id: true;
  /** A lockdown zone without a new case for this many days: propose stepping down to control. */
  lockdown_to_control_days: number;
  /** A control zone without a new case for this many days: propose stepping down to precaution. */
  control_to_precaution_days: number;
  /** A case in a compound of a control zone: propose sealing it. */
  seal_on_case_in_control: boolean;
  version: number;
  updated_at: string;
  updated_by: string | null;
  updated_by_email: string | null;
}

/** `patch` of `save_zone_rules(expected_version, patch)`. */
export type ZoneRulesPatch = Partial<
  Pick<ZoneRulesRow, 'lockdown_to_control_days' | 'control_to_precaution_days' | 'seal_on_case_in_control'>
>;

export const ZONE_PROPOSAL_KINDS = ['step_down', 'seal'] as const;
export type ZoneProposalKind = (typeof ZONE_PROPOSAL_KINDS)[number];

export const ZONE_PROPOSAL_DECISIONS = ['accepted', 'dismissed'] as const;
export type ZoneProposalDecision = (typeof ZONE_PROPOSAL_DECISIONS)[number];

/** The facts a rule proposed on; free JSON, these keys by convention. */
export interface ZoneProposalBasis {
  /** The last case in the zone (step_down) or the case that prompts sealing (seal), `YYYY-MM-DD`. */
  last_case_on?: string;
  /** Days without a new case (step_down), or the rule's threshold. */
  days?: number;
  /** The date the step down would take effect, `YYYY-MM-DD`. */
  effective_on?: string;
  /** The zone_rules version that proposed it. */
  rules_version?: number;
  case_report_id?: string;
  [key: string]: unknown;
}

/** A commander's answer to a rule's proposal: a record (insert only). */
export interface ZoneProposalDecisionRow {
  id: string;
  kind: ZoneProposalKind;
  /** Required for step_down; for seal the zone the compound lies in now, or null. */
  zone_id: string | null;
  /** The zone's version when the decision was made (set by the database). */
  zone_version: number | null;
  /** Required for seal. */
  compound_id: string | null;
  /** step_down: 'control' or 'precaution'; seal: 'lockdown'. */
  proposed_level: ZoneLevel;
  basis: ZoneProposalBasis;
  decision: ZoneProposalDecision;
  /** Required when dismissed. */
  reason: string | null;
  decided_by: string | null;
  decided_by_email: string | null;
  decided_at: string;
}

/** What a commander inserts into zone_proposal_decisions (the rest is the database's). */
export type ZoneProposalDecisionInput = Pick<ZoneProposalDecisionRow, 'kind' | 'proposed_level' | 'decision'> &
  Partial<Pick<ZoneProposalDecisionRow, 'id' | 'zone_id' | 'compound_id' | 'basis' | 'reason'>>;
