import type { Feature, LineString, Position } from 'geojson';

type Properties = Record<string, unknown>;
export type RoadLine = Feature<LineString, Properties>;

const pointKey = (p: Position) => `${p[0]},${p[1]}`;

/**
 * Joins road edges (one feature per stretch between junctions, as routing needs them) into the
 * longest lines of the same road: edges with equal properties (class and names) that meet end
 * to end where no third edge of that road meets them. What the tiles draw is unchanged; a
 * street becomes one line instead of dozens, so low zooms simplify it to a few vertices and
 * labels run along it. Edges must have two or more positions; others are left out.
 */
export function mergeRoadLines(edges: readonly Feature<LineString, Properties | null>[]): RoadLine[] {
  const groups = new Map<string, { properties: Properties; lines: Position[][] }>();
  for (const edge of edges) {
    const line = edge.geometry?.coordinates;
    if (!line || line.length < 2) continue;
    const properties = edge.properties ?? {};
    const key = JSON.stringify(properties);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { properties, lines: [] }));
    group.lines.push(line);
  }
  const merged: RoadLine[] = [];
  for (const { properties, lines } of groups.values()) {
    for (const coordinates of chainLines(lines)) {
      merged.push({ type: 'Feature', properties, geometry: { type: 'LineString', coordinates } });
    }
  }
  return merged;
}

/** Chains of lines joined where exactly two of them share an end. */
function chainLines(lines: readonly Position[][]): Position[][] {
  // Ends of line i: 2i (its first position) and 2i + 1 (its last).
  const atPoint = new Map<string, number[]>();
  lines.forEach((line, i) => {
    for (const [end, position] of [
      [2 * i, line[0]],
      [2 * i + 1, line[line.length - 1]],
    ] as const) {
      const key = pointKey(position);
      const list = atPoint.get(key);
      if (list) list.push(end);
      else atPoint.set(key, [end]);
    }
  });
  const endsAt = (end: number) => atPoint.get(pointKey(end % 2 ? lines[end >> 1].at(-1)! : lines[end >> 1][0]))!;
  const used = new Uint8Array(lines.length);

  /** Walks from `end` (an end of an unused line) onwards as long as the road continues alone. */
  const walk = (end: number): Position[] => {
    const out: Position[] = [];
    for (;;) {
      const i = end >> 1;
      used[i] = 1;
      const line = end % 2 ? [...lines[i]].reverse() : lines[i];
      for (let v = out.length ? 1 : 0; v < line.length; v++) out.push(line[v]);
      const far = end ^ 1;
      const meeting = endsAt(far);
      if (meeting.length !== 2) return out;
      const next = meeting[0] === far ? meeting[1] : meeting[0];
      if (used[next >> 1]) return out;
      end = next;
    }
  };

  const chains: Position[][] = [];
  // Chains start where a road ends or branches...
  for (let i = 0; i < lines.length; i++) {
    for (const end of [2 * i, 2 * i + 1]) {
      if (!used[i] && endsAt(end).length !== 2) chains.push(walk(end));
    }
  }
  // ...and what is left are loops.
  for (let i = 0; i < lines.length; i++) if (!used[i]) chains.push(walk(2 * i));
  return chains;
}
