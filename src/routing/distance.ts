/** Mean Earth radius in metres (IUGG), the value Turf uses. */
export const EARTH_RADIUS_M = 6_371_008.8;

const RAD = Math.PI / 180;

/** Great-circle distance in metres between two [lng, lat] points given as numbers. */
export function haversineM(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLng = (lng2 - lng1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * Equirectangular projection to metres around a reference latitude. Over a city (tens of km)
 * its distances are within a fraction of a percent of the great circle, which is all that
 * nearest-road snapping needs, and it keeps the spatial index in plain Euclidean metres.
 */
export interface LocalProjection {
  x(lng: number): number;
  y(lat: number): number;
}

export function localProjection(refLat: number): LocalProjection {
  const kx = Math.cos(refLat * RAD) * EARTH_RADIUS_M * RAD;
  const ky = EARTH_RADIUS_M * RAD;
  return { x: (lng) => lng * kx, y: (lat) => lat * ky };
}
