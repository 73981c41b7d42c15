import { ScatterplotLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import type { Point } from 'geojson';
import { SITE_COLORS } from './site-colors.ts';

/** What the site layers need of a site row. */
export interface MapSite {
  id: string;
  kind: string;
  geom: Point;
  state?: string | null;
}

export interface SiteLayerInput<T extends MapSite> {
  testing: readonly T[];
  checkpoints: readonly T[];
  /** Whether a testing site is open now; its result is cached per `clock` value. */
  isOpen: (site: T) => boolean;
  /** Changes when open/closed may have changed (the minute), to re-evaluate colours only then. */
  clock: number;
  selectedId: string | null;
}

/**
 * The deck.gl layers of the public map: testing sites (open green, closed grey, mobile teams
 * purple), checkpoints by state, and a ring around the selected site. Rebuilt on every render
 * with stable ids; the arrays keep their identity until the data change, so deck.gl re-uploads
 * attributes only then.
 */
export function siteLayers<T extends MapSite>(input: SiteLayerInput<T>): Layer[] {
  const position = (site: T) => site.geom.coordinates as [number, number];
  const selected = [...input.testing, ...input.checkpoints].filter((site) => site.id === input.selectedId);
  return [
    new ScatterplotLayer<T>({
      id: 'testing-sites',
      data: input.testing as T[],
      getPosition: position,
      getFillColor: (site) =>
        site.kind === 'mobile_testing'
          ? SITE_COLORS.mobile
          : input.isOpen(site)
            ? SITE_COLORS.testingOpen
            : SITE_COLORS.testingClosed,
      getLineColor: [255, 255, 255, 255],
      // Metres, clamped in pixels: dots shrink as the district zooms out instead of piling up.
      radiusUnits: 'meters',
      getRadius: 70,
      radiusMinPixels: 3.5,
      radiusMaxPixels: 7,
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 1.5,
      pickable: true,
      updateTriggers: { getFillColor: input.clock },
    }),
    new ScatterplotLayer<T>({
      id: 'checkpoints',
      data: input.checkpoints as T[],
      getPosition: position,
      getFillColor: (site) =>
        SITE_COLORS.checkpoint[(site.state ?? 'open') as keyof typeof SITE_COLORS.checkpoint] ??
        SITE_COLORS.checkpoint.open,
      getLineColor: [255, 255, 255, 255],
      radiusUnits: 'meters',
      getRadius: 100,
      radiusMinPixels: 4.5,
      radiusMaxPixels: 9,
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 2,
      pickable: true,
    }),
    new ScatterplotLayer<T>({
      id: 'selected-site',
      data: selected,
      getPosition: position,
      filled: false,
      stroked: true,
      getLineColor: [27, 27, 58, 255],
      radiusUnits: 'pixels',
      getRadius: 13,
      lineWidthUnits: 'pixels',
      getLineWidth: 3,
    }),
  ];
}
