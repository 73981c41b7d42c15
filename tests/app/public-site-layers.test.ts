import { expression, featureFilter, validateStyleMin, type LayerSpecification } from '@maplibre/maplibre-gl-style-spec';
import type { Point } from 'geojson';
import { describe, expect, it } from 'vitest';
import { PUBLIC_SITE_KINDS } from '../../src/domain/rows.ts';
import { isOpenAt, isSiteOpenAt } from '../../src/domain/site-hours.ts';
import { buildOfflineStyle } from '../../src/map/basemap/style.ts';
import { blend, contrastRatio } from '../../src/map/contrast.ts';
import {
  CLUSTER_CLICK_LAYERS,
  CLUSTER_LAYER,
  CLUSTER_MAX_ZOOM,
  CLUSTER_PROPERTIES,
  MARKER_SIZE,
  PUBLIC_SITE_SELECTED_SOURCE,
  PUBLIC_SITE_SOURCE,
  PUBLIC_SITE_STATES,
  SITE_CLICK_LAYERS,
  SITE_ICONS,
  SITE_LAYER,
  SITE_PALETTE,
  SITE_SHAPES,
  STATE_GLYPHS,
  STATES_OF,
  districtMinute,
  isClusterLayer,
  isSiteLayer,
  labelsBeforeId,
  publicSiteLayers,
  publicSiteSource,
  publicSiteState,
  publicSiteStates,
  publicSitesToGeoJSON,
  selectedSiteGeoJSON,
  selectedSiteSource,
  sitesInView,
  withinHours,
  type PublicMapSite,
} from '../../src/map/public-site-layers.ts';
import { ZONE_COLORS, ZONE_FILL_OPACITY, withZones } from '../../src/map/zone-layers.ts';

const at: Point = { type: 'Point', coordinates: [121, 31.95] };
const site = (id: string, kind: string, fields: Partial<PublicMapSite> = {}): PublicMapSite => ({
  id,
  kind,
  geom: at,
  ...fields,
});
const minute = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Evaluates a style expression for a feature with these properties, as MapLibre would. */
function evaluate(spec: unknown, properties: Record<string, unknown>, zoom = 12): unknown {
  const parsed = expression.createExpression(spec, 'layers[0].layout.value');
  if (parsed.result !== 'success') throw new Error(JSON.stringify(parsed.value));
  return parsed.value.evaluate({ zoom }, { type: 'Point', properties } as never);
}

const layer = (id: string) =>
  publicSiteLayers().find((item) => item.id === id) as LayerSpecification & {
    layout?: Record<string, unknown>;
    paint?: Record<string, unknown>;
    filter?: unknown;
  };

/** The basemap's land colour. */
const LAND = '#f2efe6';

describe('public site state', () => {
  it('tells a testing site open within its hours, closed outside them, paused or closed by status', () => {
    const hours = { opens: '07:30:00', closes: '21:00:00' };
    expect(publicSiteState(site('a', 'testing_site', { status: 'open', ...hours }), minute('08:00'))).toBe('open');
    expect(publicSiteState(site('a', 'testing_site', { status: 'open', ...hours }), minute('21:00'))).toBe('closed');
    expect(publicSiteState(site('a', 'testing_site', { status: 'paused', ...hours }), minute('08:00'))).toBe('paused');
    expect(publicSiteState(site('a', 'testing_site', { status: 'closed', ...hours }), minute('08:00'))).toBe('closed');
    // A mobile team has no hours: open unless paused or closed.
    expect(publicSiteState(site('m', 'mobile_testing', { status: null }), minute('03:00'))).toBe('open');
    expect(publicSiteState(site('m', 'mobile_testing', { status: 'paused' }), minute('03:00'))).toBe('paused');
  });

  it('tells a checkpoint by its state, open when unknown', () => {
    expect(publicSiteState(site('c', 'checkpoint', { state: 'restricted' }), 0)).toBe('restricted');
    expect(publicSiteState(site('c', 'checkpoint', { state: 'closed' }), 0)).toBe('closed');
    expect(publicSiteState(site('c', 'checkpoint', { state: 'open' }), 0)).toBe('open');
    expect(publicSiteState(site('c', 'checkpoint', { state: null }), 0)).toBe('open');
  });

  it('reads hours as the site card does, at every minute of the day, past midnight included', () => {
    const cases = [
      { opens: '07:00', closes: '20:00' },
      { opens: '22:00', closes: '06:00' },
      { opens: '00:00', closes: '23:59' },
      { opens: '08:00', closes: '08:00' },
      { opens: null, closes: '20:00' },
    ];
    // Midnight in the district (UTC+8) is 16:00 UTC the day before.
    const midnight = Date.UTC(2022, 3, 9, 16, 0);
    for (const hours of cases) {
      for (let m = 0; m < 1440; m += 7) {
        const when = new Date(midnight + m * 60_000);
        expect(districtMinute(when)).toBe(m);
        expect(withinHours(hours, m), `${hours.opens}-${hours.closes} at ${m}`).toBe(isOpenAt(hours, when));
        const row = site('t', 'testing_site', { status: 'open', ...hours });
        expect(publicSiteState(row, m) === 'open').toBe(isSiteOpenAt(row, when));
      }
    }
  });
});

describe('public site features', () => {
  const rows = [
    site('ts-1', 'testing_site', { status: 'open', opens: '08:00', closes: '20:00' }),
    site('mt-1', 'mobile_testing', { status: 'paused' }),
    site('cp-1', 'checkpoint', { state: 'restricted' }),
    site('q-1', 'quarantine_site'),
    site('e-1', 'enterprise'),
  ];

  it('carries id, kind and state of the public kinds only', () => {
    const data = publicSitesToGeoJSON(rows, minute('09:00'));
    expect(data.features.map((feature) => feature.properties)).toEqual([
      { id: 'ts-1', kind: 'testing_site', state: 'open' },
      { id: 'mt-1', kind: 'mobile_testing', state: 'paused' },
      { id: 'cp-1', kind: 'checkpoint', state: 'restricted' },
    ]);
    expect(data.features.every((feature) => feature.geometry === at)).toBe(true);
  });

  it('keys the states so that a new minute without a change leaves the source alone', () => {
    expect(publicSiteStates(rows, minute('09:00'))).toBe(publicSiteStates(rows, minute('09:01')));
    expect(publicSiteStates(rows, minute('19:59'))).not.toBe(publicSiteStates(rows, minute('20:00')));
    expect(publicSiteStates(rows, minute('09:00'))).toHaveLength(3);
  });

  it('draws the selected site on its own, and nothing for none or a staff-only kind', () => {
    expect(selectedSiteGeoJSON(rows[2], 0).features.map((feature) => feature.properties)).toEqual([
      { id: 'cp-1', kind: 'checkpoint', state: 'restricted' },
    ]);
    expect(selectedSiteGeoJSON(null, 0).features).toEqual([]);
    expect(selectedSiteGeoJSON(rows[3], 0).features).toEqual([]);
  });
});

describe('site icons', () => {
  it('has an icon for every kind in every state it can be in, which the layers name', () => {
    const ids = new Set(SITE_ICONS.map((icon) => icon.id));
    expect(ids.size).toBe(9);
    const image = layer(SITE_LAYER).layout!['icon-image'];
    for (const kind of PUBLIC_SITE_KINDS) {
      for (const state of STATES_OF[kind]) {
        const id = evaluate(image, { kind, state });
        expect(ids.has(String(id)), `${kind} ${state}`).toBe(true);
        const feature = publicSitesToGeoJSON(
          [site('x', kind, kind === 'checkpoint' ? { state } : { status: state })],
          minute('12:00'),
        ).features[0];
        expect(evaluate(image, feature.properties!)).toBe(`public-site-${kind}-${state}`);
      }
    }
  });

  it('tells the kind by shape and the state by glyph and fill, not by colour alone', () => {
    expect(new Set(Object.values(SITE_SHAPES)).size).toBe(PUBLIC_SITE_KINDS.length);
    expect(new Set(Object.values(STATE_GLYPHS)).size).toBe(PUBLIC_SITE_STATES.length);
    for (const icon of SITE_ICONS) {
      expect(icon.shape.d).toBe(SITE_SHAPES[icon.kind]);
      expect(icon.glyph.d).toBe(STATE_GLYPHS[icon.state]);
    }
    // Open is filled dark, anything else is pale: the two differ in lightness, whatever the hue.
    for (const kind of PUBLIC_SITE_KINDS) {
      const open = SITE_ICONS.find((icon) => icon.kind === kind && icon.state === 'open')!;
      for (const other of SITE_ICONS.filter((icon) => icon.kind === kind && icon.state !== 'open')) {
        expect(contrastRatio(open.shape.fill, other.shape.fill), `${kind} open/${other.state}`).toBeGreaterThanOrEqual(
          6,
        );
      }
    }
  });

  it('keeps every marker, ring and glyph at 3:1 or more against what it is drawn on', () => {
    const grounds = [
      LAND,
      ...Object.values(ZONE_COLORS).map((colour) => blend(colour, ZONE_FILL_OPACITY.zoomedOut, LAND)),
    ];
    for (const icon of SITE_ICONS) {
      // The marker's edge: a filled marker by its fill, a pale one by its ring.
      const edge = icon.state === 'open' ? icon.shape.fill : icon.shape.stroke;
      for (const ground of grounds)
        expect(contrastRatio(edge, ground), `${icon.id} on ${ground}`).toBeGreaterThanOrEqual(3);
      expect(contrastRatio(icon.glyph.stroke, icon.shape.fill), `${icon.id} glyph`).toBeGreaterThanOrEqual(7);
    }
    expect(contrastRatio(SITE_PALETTE.white, SITE_PALETTE.badge)).toBeGreaterThanOrEqual(7);
    expect(contrastRatio(SITE_PALETTE.clusterText, SITE_PALETTE.clusterFill)).toBeGreaterThanOrEqual(7);
    for (const ground of grounds) expect(contrastRatio(SITE_PALETTE.clusterRing, ground)).toBeGreaterThanOrEqual(3);
  });

  it('draws markers at least 20 px across when zoomed out and 24 px from zoom 14', () => {
    const size = layer(SITE_LAYER).layout!['icon-size'];
    for (const zoom of [8, 10, 12, 14, 18]) {
      expect((evaluate(size, {}, zoom) as number) * MARKER_SIZE, `zoom ${zoom}`).toBeGreaterThanOrEqual(20);
    }
    expect((evaluate(size, {}, 14) as number) * MARKER_SIZE).toBe(24);
  });
});

describe('clusters', () => {
  it('sums open, paused or restricted, and closed sites', () => {
    const states = ['open', 'open', 'paused', 'restricted', 'closed', 'open'];
    const sums: Record<string, number> = {};
    for (const [name, [operator, perSite]] of Object.entries(CLUSTER_PROPERTIES)) {
      expect(operator).toBe('+');
      sums[name] = states.reduce((sum, state) => sum + (evaluate(perSite, { state }) as number), 0);
    }
    expect(sums).toEqual({ open: 3, limited: 2, closed: 1 });
  });

  it('groups the sites in a clustered source up to zoom 15, every site alone from 16', () => {
    const source = publicSiteSource();
    expect(source).toMatchObject({ type: 'geojson', cluster: true, clusterMaxZoom: CLUSTER_MAX_ZOOM });
    expect(CLUSTER_MAX_ZOOM).toBe(15);
    expect(source.clusterProperties).toBe(CLUSTER_PROPERTIES);
    expect(selectedSiteSource()).toMatchObject({ type: 'geojson' });
    expect(selectedSiteSource()).not.toHaveProperty('cluster');
  });

  it('draws clusters with their count and the open count, and single sites as icons', () => {
    const cluster = { cluster: true, cluster_id: 7, point_count: 12, point_count_abbreviated: '12', open: 5 };
    const single = { id: 'ts-1', kind: 'testing_site', state: 'open' };
    const matches = (id: string, properties: Record<string, unknown>) =>
      featureFilter(layer(id).filter as never, 'filter').filter({ zoom: 12 }, { type: 1, properties } as never);
    for (const id of CLUSTER_CLICK_LAYERS) {
      expect(matches(id, cluster), id).toBe(true);
      expect(matches(id, single), id).toBe(false);
    }
    expect(matches(SITE_LAYER, single)).toBe(true);
    expect(matches(SITE_LAYER, cluster)).toBe(false);
    expect(evaluate(layer('public-site-cluster-count').layout!['text-field'], cluster)).toBe('12');
    expect(evaluate(layer('public-site-cluster-open').layout!['text-field'], cluster)).toBe('5');
    expect(evaluate(layer(CLUSTER_LAYER).paint!['circle-radius'], cluster)).toBe(19);
    expect(evaluate(layer(CLUSTER_LAYER).paint!['circle-radius'], { ...cluster, point_count: 3 })).toBe(16);
  });

  it('sums what is in view once per cluster and site, however many tiles return them', () => {
    const inView = sitesInView([
      { properties: { cluster: true, cluster_id: 1, point_count: 10, open: 4 } },
      { properties: { cluster: true, cluster_id: 1, point_count: 10, open: 4 } },
      { properties: { cluster: true, cluster_id: 2, point_count: 3, open: 0 } },
      { properties: { id: 'a', state: 'open' } },
      { properties: { id: 'a', state: 'open' } },
      { properties: { id: 'b', state: 'closed' } },
      { properties: null },
    ]);
    expect(inView).toEqual({ sites: 15, groups: 2, singles: 2, open: 5 });
    expect(sitesInView([])).toEqual({ sites: 0, groups: 0, singles: 0, open: 0 });
  });
});

describe('site layers in the style', () => {
  // As create-map.ts passes them (the vector tiles' template, and the GeoJSON files before them).
  const files = {
    tiles: new URL('basemap/tiles-0123456789/{z}/{x}/{y}.pbf', 'http://127.0.0.1/').href,
    districts: 'http://127.0.0.1/basemap/districts.json',
    water: 'http://127.0.0.1/basemap/water.json',
    roads: 'http://127.0.0.1/basemap/roads.json',
    compounds: 'http://127.0.0.1/basemap/compounds.json',
  };
  const fontFaces = [{ url: 'http://127.0.0.1/assets/latin.woff2', 'unicode-range': ['U+0000-00FF'] }];

  it('go under every label of the basemap and the zones, and make a valid style', () => {
    const style = withZones(buildOfflineStyle({ files, fontFaces, locale: 'zh-CN' }), 'zh-CN');
    const beforeId = labelsBeforeId(style.layers);
    expect(beforeId).toBeDefined();
    const layers = [...style.layers];
    layers.splice(
      layers.findIndex((item) => item.id === beforeId),
      0,
      ...publicSiteLayers(),
    );
    const full = {
      ...style,
      sources: {
        ...style.sources,
        [PUBLIC_SITE_SOURCE]: publicSiteSource(),
        [PUBLIC_SITE_SELECTED_SOURCE]: selectedSiteSource(),
      },
      layers,
    };
    expect(validateStyleMin(full)).toEqual([]);
    const ids = layers.map((item) => item.id);
    const lastSiteLayer = Math.max(...publicSiteLayers().map((item) => ids.indexOf(item.id)));
    const labels = layers.filter((item) => item.type === 'symbol' && !item.id.startsWith('public-site'));
    expect(labels.map((item) => item.id)).toContain('district-label');
    for (const label of labels) expect(ids.indexOf(label.id), label.id).toBeGreaterThan(lastSiteLayer);
    // Placed again (a second look-up with the site layers in): still under the same label.
    expect(labelsBeforeId(layers)).toBe(beforeId);
  });

  it('go on top of a style without labels', () => {
    expect(labelsBeforeId([{ id: 'land', type: 'background' }, ...publicSiteLayers()])).toBeUndefined();
  });

  it('never let a marker push a label aside: icons and counts overlap, labels draw over them', () => {
    for (const item of publicSiteLayers().filter((spec) => spec.type === 'symbol')) {
      const layout = (item as { layout: Record<string, unknown> }).layout;
      if ('icon-image' in layout)
        expect(layout).toMatchObject({ 'icon-allow-overlap': true, 'icon-ignore-placement': true });
      if ('text-field' in layout)
        expect(layout).toMatchObject({ 'text-allow-overlap': true, 'text-ignore-placement': true });
    }
  });

  it('names the layers a click selects a site on or zooms into a cluster on', () => {
    const ids = publicSiteLayers().map((item) => item.id);
    for (const id of [...SITE_CLICK_LAYERS, ...CLUSTER_CLICK_LAYERS]) expect(ids).toContain(id);
    expect(SITE_CLICK_LAYERS.every(isSiteLayer)).toBe(true);
    expect(CLUSTER_CLICK_LAYERS.every(isClusterLayer)).toBe(true);
    expect(isSiteLayer(CLUSTER_LAYER) || isClusterLayer(SITE_LAYER) || isSiteLayer('zone-fill')).toBe(false);
  });
});
