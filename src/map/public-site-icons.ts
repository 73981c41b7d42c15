import type { Map as MapLibreMap } from 'maplibre-gl';
import { BADGE, ICON_BOX, SITE_ICONS, SITE_PALETTE, type SiteIcon } from './public-site-layers.ts';

/** Icons are drawn at twice their CSS size, sharp on a phone's screen. */
const RATIO = 2;

function canvas(width: number, height: number): CanvasRenderingContext2D {
  const element = document.createElement('canvas');
  element.width = width * RATIO;
  element.height = height * RATIO;
  const context = element.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('no 2D canvas to draw the site icons');
  context.scale(RATIO, RATIO);
  context.lineCap = 'round';
  context.lineJoin = 'round';
  return context;
}

const pixels = (context: CanvasRenderingContext2D) =>
  context.getImageData(0, 0, context.canvas.width, context.canvas.height);

function drawSiteIcon(icon: SiteIcon): ImageData {
  const context = canvas(ICON_BOX, ICON_BOX);
  const shape = new Path2D(icon.shape.d);
  context.strokeStyle = SITE_PALETTE.white;
  context.lineWidth = icon.shape.width + icon.halo * 2;
  context.stroke(shape);
  context.fillStyle = icon.shape.fill;
  context.fill(shape);
  context.strokeStyle = icon.shape.stroke;
  context.lineWidth = icon.shape.width;
  context.stroke(shape);
  context.strokeStyle = icon.glyph.stroke;
  context.lineWidth = icon.glyph.width;
  context.stroke(new Path2D(icon.glyph.d));
  return pixels(context);
}

function drawBadge(): ImageData {
  const { width, height } = BADGE;
  const context = canvas(width, height);
  const radius = height / 2;
  context.beginPath();
  context.roundRect(0.5, 0.5, width - 1, height - 1, radius - 0.5);
  context.fillStyle = SITE_PALETTE.badge;
  context.fill();
  context.strokeStyle = SITE_PALETTE.white;
  context.lineWidth = 1;
  context.stroke();
  context.strokeStyle = SITE_PALETTE.white;
  context.lineWidth = 2.2;
  context.stroke(new Path2D(BADGE.check));
  return pixels(context);
}

/**
 * Adds the site icons and the cluster badge to the map's style, drawn here from the shapes in
 * public-site-layers.ts: nothing is fetched. Images already there (a second layer) are kept.
 */
export function addSiteIcons(map: MapLibreMap): void {
  for (const icon of SITE_ICONS) {
    if (!map.hasImage(icon.id)) map.addImage(icon.id, drawSiteIcon(icon), { pixelRatio: RATIO });
  }
  if (!map.hasImage(BADGE.id)) {
    const [x1, y1, x2, y2] = BADGE.content;
    map.addImage(BADGE.id, drawBadge(), {
      pixelRatio: RATIO,
      stretchX: [[BADGE.stretchX[0] * RATIO, BADGE.stretchX[1] * RATIO]],
      content: [x1 * RATIO, y1 * RATIO, x2 * RATIO, y2 * RATIO],
    });
  }
}
