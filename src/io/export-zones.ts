import { toKML } from '@placemarkio/tokml';
import type { Feature, FeatureCollection, MultiPolygon } from 'geojson';
import { SITE_KINDS, type CompoundRow, type ZoneImpact, type ZoneLevel, type ZoneRow } from '../domain/rows.ts';
import { convertCoordinates, type CoordinateSystem } from './coordinates.ts';
import { csvText } from './csv.ts';

/** What an export needs of a zone: staff rows and public rows both have it. */
export type ExportZone = Pick<
  ZoneRow,
  'id' | 'name' | 'name_en' | 'level' | 'status' | 'district' | 'geom' | 'effective_from' | 'review_days'
>;

/** A zone's figures as `zone_impact` or the impact index answers them; the compound ids are not needed. */
export type ZoneFigures = Omit<ZoneImpact, 'compound_ids'>;

export interface ZoneExportOptions {
  /** Ids of the zones to export, whatever their status; default: the active zones, what is in force. */
  selection?: Iterable<string>;
  /** Figures by zone id, added to each zone that has them. */
  figures?: ReadonlyMap<string, ZoneFigures>;
}

export interface MapExportOptions extends ZoneExportOptions {
  /** The system the receiving map expects (AMap, Tencent: 'gcj02'; Baidu: 'bd09'); default 'wgs84'. */
  crs?: CoordinateSystem;
}

/**
 * Words for a spreadsheet's reader, e.g. from the UI's catalogue (`t('level.lockdown')`); by
 * default the column keys and level codes as they are.
 */
export interface CsvWording {
  header?: (column: string) => string;
  levelText?: (level: ZoneLevel) => string;
}

/** The zone's own columns, in export order (GeoJSON and KML properties, CSV columns). */
export const ZONE_COLUMNS = [
  'id',
  'name',
  'name_en',
  'level',
  'status',
  'district',
  'effective_from',
  'review_days',
] as const satisfies readonly (keyof ExportZone)[];

/** The figure columns that follow when figures are given: sites are counted by kind. */
export const FIGURE_COLUMNS = [
  'households',
  'residents',
  'compounds',
  ...SITE_KINDS.map((kind) => `${kind}_count` as const),
  'key_enterprises',
  'area_m2',
] as const;

export const COMPOUND_COLUMNS = [
  'compound_id',
  'compound_name',
  'zone_id',
  'zone_name',
  'level',
  'households',
  'residents',
] as const;

type Cell = string | number | null;
export type ExportedZoneProperties = Record<(typeof ZONE_COLUMNS)[number], Cell> &
  Partial<Record<(typeof FIGURE_COLUMNS)[number], number>>;

function chosen<Z extends ExportZone>(zones: readonly Z[], selection: Iterable<string> | undefined): Z[] {
  if (!selection) return zones.filter((zone) => zone.status === 'active');
  const ids = new Set(selection);
  return zones.filter((zone) => ids.has(zone.id));
}

function zoneProperties(zone: ExportZone, figures: ZoneFigures | undefined): ExportedZoneProperties {
  const own = Object.fromEntries(ZONE_COLUMNS.map((column) => [column, zone[column]])) as ExportedZoneProperties;
  if (!figures) return own;
  return {
    ...own,
    households: figures.households,
    residents: figures.residents,
    compounds: figures.compounds,
    ...Object.fromEntries(SITE_KINDS.map((kind) => [`${kind}_count`, figures.sites[kind] ?? 0])),
    key_enterprises: figures.key_enterprises,
    area_m2: figures.area_m2,
  };
}

/**
 * The chosen zones as a FeatureCollection of MultiPolygons in `crs`, each feature's id the
 * zone's. RFC 7946 knows only WGS84: a file in another system is for a Chinese map platform
 * that expects it, and says so nowhere inside.
 */
export function zoneFeatureCollection(
  zones: readonly ExportZone[],
  { selection, figures, crs = 'wgs84' }: MapExportOptions = {},
): FeatureCollection<MultiPolygon, ExportedZoneProperties> {
  const features = chosen(zones, selection).map((zone): Feature<MultiPolygon, ExportedZoneProperties> => ({
    type: 'Feature',
    id: zone.id,
    properties: zoneProperties(zone, figures?.get(zone.id)),
    geometry: zone.geom,
  }));
  return convertCoordinates({ type: 'FeatureCollection', features }, 'wgs84', crs);
}

/** `zoneFeatureCollection` as the text of a .geojson file. */
export function exportZonesGeoJson(zones: readonly ExportZone[], options: MapExportOptions = {}): string {
  return JSON.stringify(zoneFeatureCollection(zones, options));
}

/**
 * The chosen zones as the text of a .kml file: a Placemark per zone named by the zone's name,
 * the other columns (level among them) as ExtendedData. tokml writes no styles, so a viewer
 * colours every level alike. Empty columns are left out: tokml would write null as "null".
 */
export function exportZonesKml(zones: readonly ExportZone[], options: MapExportOptions = {}): string {
  const collection = zoneFeatureCollection(zones, options);
  // tokml writes no declaration; some desktop GIS tools want one to read the file as UTF-8.
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    toKML({
      ...collection,
      features: collection.features.map((feature) => ({
        ...feature,
        properties: Object.fromEntries(Object.entries(feature.properties).filter(([, value]) => value != null)),
      })),
    })
  );
}

// RFC 4180 with the header row first (csv.ts).
function csv(columns: readonly string[], rows: Cell[][], header: (column: string) => string): string {
  return csvText([columns.map(header), ...rows]);
}

/**
 * The chosen zones as CSV text, one row per zone, with the figure columns when `figures` is
 * given (empty for a zone it lacks). Excel on a Chinese Windows reads a CSV without a byte order
 * mark as GBK and garbles the names: save the text with '\uFEFF' before it when it is meant for
 * Excel. No coordinates, so no coordinate system.
 */
export function exportZonesCsv(
  zones: readonly ExportZone[],
  { selection, figures, header = String, levelText = String }: ZoneExportOptions & CsvWording = {},
): string {
  const columns: readonly string[] = figures ? [...ZONE_COLUMNS, ...FIGURE_COLUMNS] : ZONE_COLUMNS;
  const rows = chosen(zones, selection).map((zone) => {
    const properties: Partial<Record<string, Cell>> = zoneProperties(zone, figures?.get(zone.id));
    return columns.map((column) => (column === 'level' ? levelText(zone.level) : (properties[column] ?? null)));
  });
  return csv(columns, rows, header);
}

/**
 * The compounds the chosen zones seal, as CSV text: a row per compound and zone (a compound in
 * two zones has two), zones in the given order, compounds in the order of their zone's
 * `compound_ids`. Which compounds a zone holds comes from its figures (`zone_impact`'s answer);
 * ids missing from `compounds` are left out. Excel: see `exportZonesCsv`.
 */
export function exportCompoundsCsv(
  zones: readonly ExportZone[],
  compounds: readonly Pick<CompoundRow, 'id' | 'name' | 'households' | 'residents'>[],
  figures: ReadonlyMap<string, Pick<ZoneImpact, 'compound_ids'>>,
  { selection, header = String, levelText = String }: Pick<ZoneExportOptions, 'selection'> & CsvWording = {},
): string {
  const byId = new Map(compounds.map((compound) => [compound.id, compound]));
  const rows = chosen(zones, selection).flatMap((zone) =>
    (figures.get(zone.id)?.compound_ids ?? []).flatMap((id) => {
      const compound = byId.get(id);
      if (!compound) return [];
      return [
        [
          compound.id,
          compound.name,
          zone.id,
          zone.name,
          levelText(zone.level),
          compound.households,
          compound.residents,
        ],
      ];
    }),
  );
  return csv(COMPOUND_COLUMNS, rows, header);
}
