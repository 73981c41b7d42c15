import type { Position } from 'geojson';

/** MapLibre's world is 512 px wide at zoom 0. */
const TILE = 512;

const mercatorY = (lat: number) => Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));

/**
 * Where a position is drawn on a map element (page pixels), for a map whose camera is `center` at
 * `zoom` (as the link's `map=zoom/lat/lng` sets it) and whose element is `box`: what a test clicks
 * to draw a vertex at a known place.
 */
export function toPagePoint(
  position: Position,
  center: Position,
  zoom: number,
  box: { x: number; y: number; width: number; height: number },
) {
  const scale = (TILE * 2 ** zoom) / (2 * Math.PI);
  const dx = ((position[0] - center[0]) * Math.PI) / 180;
  const dy = mercatorY(position[1]) - mercatorY(center[1]);
  return { x: box.x + box.width / 2 + dx * scale, y: box.y + box.height / 2 - dy * scale };
}
