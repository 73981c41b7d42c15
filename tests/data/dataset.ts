import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  DATASET_FILES,
  type Dataset,
  type Feature,
  type LineString,
  type Position,
  type RoadProps,
} from '../../data/generator/contract.ts';

export const COMMITTED_DIR = fileURLToPath(new URL('../../data/nantong/', import.meta.url));

/** The committed demo dataset, parsed from the files the app and the seed loader read. */
export function loadCommitted(): Dataset {
  const read = (key: keyof Dataset) => JSON.parse(readFileSync(COMMITTED_DIR + DATASET_FILES[key], 'utf8'));
  return {
    districts: read('districts'),
    water: read('water'),
    roads: read('roads'),
    compounds: read('compounds'),
    sites: read('sites'),
    zones: read('zones'),
  };
}

export const key = ([lng, lat]: Position) => `${lng},${lat}`;

export interface RoadGraph {
  /** Node index by "lng,lat" of the LineString end points. */
  nodes: Map<string, number>;
  /** How many nodes each node can reach, following one-way roads forwards (out) and backwards (in). */
  reachableFrom(start: number, direction: 'out' | 'in'): number;
}

/** The routing graph exactly as a router reads roads.geojson: nodes are LineString end points. */
export function roadGraph(roads: Feature<LineString, RoadProps>[]): RoadGraph {
  const nodes = new Map<string, number>();
  const node = (p: Position) => {
    const k = key(p);
    let n = nodes.get(k);
    if (n === undefined) nodes.set(k, (n = nodes.size));
    return n;
  };
  const arcs: [number, number][] = [];
  for (const r of roads) {
    const c = r.geometry.coordinates;
    const a = node(c[0]);
    const b = node(c[c.length - 1]);
    arcs.push([a, b]);
    if (!r.properties.oneway) arcs.push([b, a]);
  }
  const csr = (reverse: boolean) => {
    const start = new Int32Array(nodes.size + 1);
    for (const [a, b] of arcs) start[(reverse ? b : a) + 1]++;
    for (let v = 0; v < nodes.size; v++) start[v + 1] += start[v];
    const fill = start.slice(0, nodes.size);
    const to = new Int32Array(arcs.length);
    for (const [a, b] of arcs) to[fill[reverse ? b : a]++] = reverse ? a : b;
    return { start, to };
  };
  const graphs = { out: csr(false), in: csr(true) };
  return {
    nodes,
    reachableFrom(first, direction) {
      const { start, to } = graphs[direction];
      const seen = new Uint8Array(nodes.size);
      const queue = new Int32Array(nodes.size);
      let head = 0;
      let tail = 0;
      queue[tail++] = first;
      seen[first] = 1;
      while (head < tail) {
        const v = queue[head++];
        for (let e = start[v]; e < start[v + 1]; e++) {
          if (!seen[to[e]]) {
            seen[to[e]] = 1;
            queue[tail++] = to[e];
          }
        }
      }
      return tail;
    },
  };
}
