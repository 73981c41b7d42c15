import type { Position } from 'geojson';

/** Where the camera should go after a user action: a box to frame (a new object each time). */
export interface MapFocus {
  bounds: [number, number, number, number];
  maxZoom: number;
}

/** West, south, east, north of some positions. */
export function boundsOfPositions(positions: readonly Position[]): [number, number, number, number] {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  for (const [lng, lat] of positions) {
    west = Math.min(west, lng);
    east = Math.max(east, lng);
    south = Math.min(south, lat);
    north = Math.max(north, lat);
  }
  return [west, south, east, north];
}
