import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import type { LayerSpecification } from '@maplibre/maplibre-gl-style-spec';
import { MAP_FONT } from './basemap/style.ts';

/** What the command view draws over the zones while a commander edits. */
export const EDIT_SOURCE = 'edit-overlay';

/**
 * The roles of the edit overlay's features: the published boundary of the zone being edited,
 * a past boundary from its history, the other commander's version in a conflict, another
 * commander's unsaved outline, overlaps with zones of the same level, compounds newly in or out,
 * compounds picked for a new zone, and the crossing points of a self-intersecting boundary.
 */
export type EditRole =
  'published' | 'past' | 'theirs' | 'remote' | 'overlap' | 'in' | 'out' | 'picked' | 'crossing' | 'pickable';

export interface EditFeature {
  role: EditRole;
  geometry: Geometry;
  /** An id (compounds: what a click on a pickable compound reports). */
  id?: string;
  /** A label drawn with it (another commander's email). */
  label?: string;
}

export function editOverlayData(features: readonly EditFeature[]): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: features.map(({ role, geometry, id, label }): Feature => ({
      type: 'Feature',
      properties: { role, id: id ?? null, label: label ?? null },
      geometry,
    })),
  };
}

/** Features of one role: areas (Polygon / MultiPolygon) or points. */
export const areas = (
  role: EditRole,
  geometries: readonly (Polygon | MultiPolygon)[],
  ids?: readonly string[],
): EditFeature[] => geometries.map((geometry, i) => ({ role, geometry, id: ids?.[i] }));

export const points = (role: EditRole, positions: readonly Position[]): EditFeature[] =>
  positions.map((coordinates) => ({ role, geometry: { type: 'Point', coordinates } }));

const role = (...roles: EditRole[]) => ['in', ['get', 'role'], ['literal', roles]] as never;

function line(id: string, roles: EditRole[], color: string, width: number, dash?: number[]): LayerSpecification {
  return {
    id,
    type: 'line',
    source: EDIT_SOURCE,
    filter: role(...roles),
    layout: { 'line-join': 'round' },
    paint: { 'line-color': color, 'line-width': width, ...(dash ? { 'line-dasharray': dash } : {}) },
  };
}

function fill(id: string, roles: EditRole[], color: string, opacity: number): LayerSpecification {
  return {
    id,
    type: 'fill',
    source: EDIT_SOURCE,
    filter: role(...roles),
    paint: { 'fill-color': color, 'fill-opacity': opacity },
  };
}

/** Purple: other commanders' work, never confused with a level colour. */
export const OTHERS_COLOR = '#7b2cbf';

/** The layers of the edit overlay, drawn above the zones; `edit-pickable` is what a click picks. */
export const EDIT_LAYERS: LayerSpecification[] = [
  fill('edit-pickable', ['pickable'], '#1f3a5f', 0.08),
  fill('edit-picked', ['picked'], '#1f3a5f', 0.45),
  fill('edit-overlap', ['overlap'], '#7a0177', 0.4),
  fill('edit-in-fill', ['in'], '#b10026', 0.3),
  line('edit-in', ['in'], '#b10026', 2.5),
  line('edit-out', ['out'], '#2166ac', 2.5, [1.5, 1]),
  line('edit-published', ['published'], '#3d3d3d', 2, [3, 2]),
  line('edit-past', ['past'], '#111111', 3, [1, 1]),
  fill('edit-theirs-fill', ['theirs'], OTHERS_COLOR, 0.15),
  line('edit-theirs', ['theirs'], OTHERS_COLOR, 3),
  line('edit-remote', ['remote'], OTHERS_COLOR, 2.5, [2, 1]),
  {
    id: 'edit-remote-label',
    type: 'symbol',
    source: EDIT_SOURCE,
    filter: role('remote'),
    layout: { 'text-field': ['get', 'label'], 'text-font': [MAP_FONT], 'text-size': 12, 'symbol-placement': 'line' },
    paint: { 'text-color': OTHERS_COLOR, 'text-halo-color': '#ffffff', 'text-halo-width': 1.6 },
  },
  {
    id: 'edit-crossing',
    type: 'circle',
    source: EDIT_SOURCE,
    filter: role('crossing'),
    paint: {
      'circle-radius': 7,
      'circle-color': '#d7263d',
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 2,
    },
  },
];
