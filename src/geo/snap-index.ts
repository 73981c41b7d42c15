import Flatbush from 'flatbush';
import type { Position } from 'geojson';

/** Snaps a pointer position to the nearest vertex or line of a set of outlines and centre lines. */
export interface SnapIndex {
  /**
   * The vertex within `tolerance` (degrees of latitude; longitude is scaled by the latitude) of
   * `at`, else the nearest point on a segment within it, else null. Vertices win over segments:
   * a corner of a compound is what a commander aims at.
   */
  snap(at: Position, tolerance: number): Position | null;
}

/**
 * An index of line segments (compound outlines, road centre lines) for snapping while drawing.
 * Built once per data set; a query looks only at segments near the pointer.
 */
export function buildSnapIndex(lines: readonly (readonly Position[])[]): SnapIndex {
  const segments: [Position, Position][] = [];
  for (const line of lines) for (let i = 1; i < line.length; i++) segments.push([line[i - 1], line[i]]);
  const index = new Flatbush(Math.max(1, segments.length));
  for (const [a, b] of segments)
    index.add(Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1]));
  if (!segments.length) index.add(0, 0, 0, 0);
  index.finish();

  return {
    snap(at, tolerance) {
      const kx = Math.cos((at[1] * Math.PI) / 180);
      const dx = tolerance / Math.max(kx, 1e-6);
      const hits = index.search(at[0] - dx, at[1] - tolerance, at[0] + dx, at[1] + tolerance);
      const distance = (p: Position) => Math.hypot((p[0] - at[0]) * kx, p[1] - at[1]);
      let vertex: Position | null = null;
      let vertexDistance = tolerance;
      let onLine: Position | null = null;
      let lineDistance = tolerance;
      for (const hit of hits) {
        const segment = segments[hit];
        if (!segment) continue;
        for (const end of segment) {
          const d = distance(end);
          if (d <= vertexDistance) [vertex, vertexDistance] = [end, d];
        }
        const nearest = nearestOnSegment(at, segment[0], segment[1], kx);
        const d = distance(nearest);
        if (d <= lineDistance) [onLine, lineDistance] = [nearest, d];
      }
      return vertex ?? onLine;
    },
  };
}

/** The point of segment a-b nearest to p, in a plane where longitude is scaled by `kx`. */
function nearestOnSegment(p: Position, a: Position, b: Position, kx: number): Position {
  const abx = (b[0] - a[0]) * kx;
  const aby = b[1] - a[1];
  const length2 = abx * abx + aby * aby;
  if (length2 === 0) return a;
  const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * kx * abx + (p[1] - a[1]) * aby) / length2));
  return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
}
