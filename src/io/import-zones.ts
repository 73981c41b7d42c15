import { kml } from '@tmcw/togeojson';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import type { ZoneLevel } from '../domain/rows.ts';
import type { PolygonErrorCode } from '../geo/validate-polygon.ts';
import { checkZoneShape } from '../geo/zone-shape-checks.ts';
import { convertCoordinates, type CoordinateSystem } from './coordinates.ts';

/** A zone read from a file, ready for `create_zone` (as a draft); geometry in WGS84, 2D. */
export interface ImportedZone {
  name: string;
  name_en?: string;
  level: ZoneLevel;
  geom: MultiPolygon;
}

/**
 * Why a file or one of its features is refused; the UI words it through its catalogue.
 * The whole file: `unreadable` (neither JSON nor XML, or the parser gave up), `unknown_format`
 * (JSON or XML, but not GeoJSON or KML), `kml_unsupported` (KML and no XML parser given),
 * `no_features`. A feature: `no_geometry`, `not_polygon` (a point or line: `value` is its type),
 * the drawing rules of `checkZoneShape` (`PolygonErrorCode`s, `zero_area`, `area_too_small`,
 * `outside_district`, `no_district`, `clip_failed`), `no_name`, `no_level`, `unknown_level`
 * (`value` is what the file says).
 */
export type ImportProblemCode =
  | 'unreadable'
  | 'unknown_format'
  | 'kml_unsupported'
  | 'no_features'
  | 'no_geometry'
  | PolygonErrorCode
  | 'zero_area'
  | 'area_too_small'
  | 'outside_district'
  | 'no_district'
  | 'clip_failed'
  | 'no_name'
  | 'no_level'
  | 'unknown_level';

export interface ImportProblem {
  code: ImportProblemCode;
  /** 0-based index of the feature in the file (KML: its Placemarks in order); absent for the whole file. */
  feature?: number;
  /** The feature's name, when it has one, to show beside its number. */
  name?: string;
  /** What the file says that is wrong: the geometry type, the level. */
  value?: string;
  /** Where to mark a shape problem on the map, in WGS84. */
  positions?: Position[];
}

/** All the zones, or the problems: the first `MAX_IMPORT_PROBLEMS` of them, `total` counting all. */
export type ImportResult =
  { ok: true; zones: ImportedZone[] } | { ok: false; problems: ImportProblem[]; total: number };

export interface ImportOptions {
  /** The system the file's coordinates are in (an AMap export: 'gcj02'); default 'wgs84'. */
  crs?: CoordinateSystem;
  /**
   * Reads XML text into a Document, e.g. `(text) => new DOMParser().parseFromString(text,
   * 'application/xml')` in the browser; it may throw or return a document holding a
   * `parsererror` on broken XML. Without it a KML file is refused as `kml_unsupported`.
   */
  parseXml?: (text: string) => Document;
  /** The district's sub-district outlines, for `outside_district`; not checked when absent. */
  district?: (Polygon | MultiPolygon)[];
  /** The smallest zone, m²; default `checkZoneShape`'s. */
  minAreaM2?: number;
}

/** Enough to fix a file by; a file of thousands of bad features does not flood the dialog. */
export const MAX_IMPORT_PROBLEMS = 50;

const NAME_KEYS = ['name', 'name_zh', '名称'];
const LEVEL_KEYS = ['level', '等级', '级别', 'type', '类型'];

/** Level words as files write them, lower-cased; the Chinese as the 2022 notices named the zones. */
const LEVELS = new Map<string, ZoneLevel>([
  ['lockdown', 'lockdown'],
  ['control', 'control'],
  ['precaution', 'precaution'],
  ['封控区', 'lockdown'],
  ['管控区', 'control'],
  ['防范区', 'precaution'],
  ['封控', 'lockdown'],
  ['管控', 'control'],
  ['防范', 'precaution'],
]);

const GEOMETRY_TYPES = [
  'Point',
  'MultiPoint',
  'LineString',
  'MultiLineString',
  'Polygon',
  'MultiPolygon',
  'GeometryCollection',
];

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A property as trimmed text ('' when absent or not text). */
function text(properties: Json, keys: string[]): string {
  for (const key of keys) {
    const value = properties[key];
    const trimmed = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
    if (trimmed) return trimmed;
  }
  return '';
}

function readKml(parse: () => Document): unknown[] | ImportProblemCode {
  try {
    const doc = parse();
    // Browsers' DOMParser does not throw: it returns a document reporting the error.
    if (doc.getElementsByTagName('parsererror').length > 0) return 'unreadable';
    if (doc.documentElement?.localName !== 'kml') return 'unknown_format';
    return kml(doc).features;
  } catch {
    return 'unreadable';
  }
}

function readGeoJson(json: unknown): unknown[] | ImportProblemCode {
  if (!isObject(json)) return 'unknown_format';
  if (json.type === 'FeatureCollection') return Array.isArray(json.features) ? json.features : 'unknown_format';
  if (json.type === 'Feature') return [json];
  // A bare geometry is read as a feature, to be told it lacks a name and a level.
  if (GEOMETRY_TYPES.includes(json.type as string)) return [{ type: 'Feature', properties: null, geometry: json }];
  return 'unknown_format';
}

function readFile(file: string | Document, parseXml: ImportOptions['parseXml']): unknown[] | ImportProblemCode {
  if (typeof file !== 'string') return readKml(() => file);
  // A byte order mark (Excel, Notepad) or a blank line before `<?xml` would stop both parsers.
  const body = file.replace(/^\uFEFF/, '').trimStart();
  if (body.startsWith('<')) return parseXml ? readKml(() => parseXml(body)) : 'kml_unsupported';
  try {
    return readGeoJson(JSON.parse(body));
  } catch {
    return 'unreadable';
  }
}

/**
 * The polygons of a Polygon, a MultiPolygon or a GeometryCollection of them (KML's
 * MultiGeometry), or why not. Only the nesting down to rings is checked here; the positions
 * are `checkZoneShape`'s to judge.
 */
function polygonsOf(geometry: unknown): Position[][][] | ImportProblem {
  if (!isObject(geometry)) return { code: 'no_geometry' };
  const members =
    geometry.type === 'GeometryCollection' && Array.isArray(geometry.geometries) ? geometry.geometries : [geometry];
  const polygons: unknown[] = [];
  for (const member of members) {
    const type = isObject(member) ? member.type : undefined;
    const coordinates = isObject(member) ? member.coordinates : undefined;
    if (type === 'Polygon') polygons.push(coordinates);
    // Coordinates that are not a list fail the nesting check below.
    else if (type === 'MultiPolygon') polygons.push(...(Array.isArray(coordinates) ? coordinates : [coordinates]));
    else return { code: 'not_polygon', ...(typeof type === 'string' ? { value: type } : {}) };
  }
  const nested = polygons.every((rings) => Array.isArray(rings) && rings.every((ring) => Array.isArray(ring)));
  return nested ? (polygons as Position[][][]) : { code: 'not_polygon' };
}

function readZone(
  feature: unknown,
  index: number,
  { crs = 'wgs84', district, minAreaM2 }: ImportOptions,
): { zone: ImportedZone } | { problems: ImportProblem[] } {
  const properties = isObject(feature) && isObject(feature.properties) ? feature.properties : {};
  const name = text(properties, NAME_KEYS);
  const nameEn = text(properties, ['name_en']);
  const levelText = text(properties, LEVEL_KEYS);
  const level = LEVELS.get(levelText.toLowerCase());
  const problems: ImportProblem[] = [];
  const add = (problem: ImportProblem) => problems.push({ feature: index, ...(name ? { name } : {}), ...problem });

  if (!name) add({ code: 'no_name' });
  if (!levelText) add({ code: 'no_level' });
  else if (!level) add({ code: 'unknown_level', value: levelText });
  const polygons = polygonsOf(isObject(feature) ? feature.geometry : undefined);
  if (!Array.isArray(polygons)) {
    add(polygons);
    return { problems };
  }
  // Checked in WGS84, as the database will store and check it.
  const geom = convertCoordinates<MultiPolygon>({ type: 'MultiPolygon', coordinates: polygons }, crs, 'wgs84');
  for (const issue of checkZoneShape(geom, { district, minAreaM2 }).blocking) {
    add({ code: issue.code as ImportProblemCode, ...(issue.positions && { positions: issue.positions }) });
  }
  if (problems.length > 0 || !level) return { problems };
  return {
    zone: {
      name,
      ...(nameEn ? { name_en: nameEn } : {}),
      level,
      // A KML altitude would make a 3D geometry the zone columns do not take.
      geom: {
        type: 'MultiPolygon',
        coordinates: geom.coordinates.map((rings) => rings.map((ring) => ring.map(([x, y]) => [x, y]))),
      },
    },
  };
}

/**
 * Reads zones from a file a user chose: GeoJSON or KML text (told apart by its first
 * character), or a KML document already parsed. Every feature must become a zone: a name
 * (`name`, `name_zh` or `名称`), a level (`level`, `等级`, `级别`, `type` or `类型`: lockdown /
 * control / precaution or 封控区 / 管控区 / 防范区) and a polygon passing the drawing rules. One
 * bad feature refuses the whole file, with every problem named, so that a district never holds
 * half an import.
 */
export function importZones(file: string | Document, options: ImportOptions = {}): ImportResult {
  const features = readFile(file, options.parseXml);
  const problems: ImportProblem[] = [];
  const zones: ImportedZone[] = [];
  if (typeof features === 'string') problems.push({ code: features });
  else if (features.length === 0) problems.push({ code: 'no_features' });
  else {
    features.forEach((feature, index) => {
      const read = readZone(feature, index, options);
      if ('zone' in read) zones.push(read.zone);
      else problems.push(...read.problems);
    });
  }
  if (problems.length === 0) return { ok: true, zones };
  return { ok: false, problems: problems.slice(0, MAX_IMPORT_PROBLEMS), total: problems.length };
}
