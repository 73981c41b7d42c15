import type { RoadClass } from './contract.ts';
import type { Name } from './names.ts';

export interface RoadEdge {
  from: number;
  to: number;
  cls: RoadClass;
  name: Name;
  oneway: boolean;
  speed: number;
  /** False once pruned: the edge is not written. */
  alive: boolean;
}

export type EdgeProps = Omit<RoadEdge, 'from' | 'to' | 'alive'>;

/**
 * The road graph in plan metres: every edge is a straight segment between two nodes, so the
 * written LineStrings meet exactly at shared end points (nodes) and nowhere else.
 */
export class RoadNetwork {
  readonly xs: number[] = [];
  readonly ys: number[] = [];
  readonly edges: RoadEdge[] = [];

  addNode(x: number, y: number): number {
    this.xs.push(x);
    this.ys.push(y);
    return this.xs.length - 1;
  }

  addEdge(from: number, to: number, props: EdgeProps): number {
    this.edges.push({ from, to, ...props, alive: true });
    return this.edges.length - 1;
  }

  /** Puts a new node on edge `id` at fraction t from its start; returns the node. */
  split(id: number, t: number): number {
    const e = this.edges[id];
    if (!e.alive) throw new Error(`cannot split pruned edge ${id}`);
    const node = this.addNode(
      this.xs[e.from] + (this.xs[e.to] - this.xs[e.from]) * t,
      this.ys[e.from] + (this.ys[e.to] - this.ys[e.from]) * t,
    );
    const { cls, name, oneway, speed } = e;
    this.addEdge(node, e.to, { cls, name, oneway, speed });
    e.to = node;
    return node;
  }

  /**
   * Keeps only the largest strongly connected component (one-way edges respected), so that every
   * edge can be reached from every other. Returns a per-node flag of membership.
   */
  pruneToLargestComponent(): Uint8Array {
    const n = this.xs.length;
    const degree = new Int32Array(n + 1);
    for (const e of this.edges) {
      if (!e.alive) continue;
      degree[e.from + 1]++;
      if (!e.oneway) degree[e.to + 1]++;
    }
    for (let v = 0; v < n; v++) degree[v + 1] += degree[v];
    const fill = degree.slice(0, n);
    const adjacency = new Int32Array(degree[n]);
    for (const e of this.edges) {
      if (!e.alive) continue;
      adjacency[fill[e.from]++] = e.to;
      if (!e.oneway) adjacency[fill[e.to]++] = e.from;
    }
    const component = stronglyConnectedComponents(n, degree, adjacency);
    const sizes = new Map<number, number>();
    for (let v = 0; v < n; v++)
      if (degree[v + 1] > degree[v]) sizes.set(component[v], (sizes.get(component[v]) ?? 0) + 1);
    let best = -1;
    let bestSize = 0;
    for (const [c, s] of sizes) {
      if (s > bestSize || (s === bestSize && c < best)) {
        best = c;
        bestSize = s;
      }
    }
    const keep = new Uint8Array(n);
    for (let v = 0; v < n; v++) keep[v] = component[v] === best ? 1 : 0;
    for (const e of this.edges) if (e.alive && !(keep[e.from] && keep[e.to])) e.alive = false;
    return keep;
  }
}

/** Tarjan's algorithm without recursion (the city at scale 80 has ~400,000 nodes). */
function stronglyConnectedComponents(n: number, start: Int32Array, adjacency: Int32Array): Int32Array {
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  const callNode = new Int32Array(n);
  const callEdge = new Int32Array(n);
  const component = new Int32Array(n).fill(-1);
  let sp = 0;
  let counter = 0;
  let components = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    let depth = 0;
    const enter = (v: number) => {
      index[v] = low[v] = counter++;
      stack[sp++] = v;
      onStack[v] = 1;
      callNode[depth] = v;
      callEdge[depth] = start[v];
      depth++;
    };
    enter(root);
    while (depth > 0) {
      const v = callNode[depth - 1];
      if (callEdge[depth - 1] < start[v + 1]) {
        const w = adjacency[callEdge[depth - 1]++];
        if (index[w] === -1) enter(w);
        else if (onStack[w] && index[w] < low[v]) low[v] = index[w];
        continue;
      }
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack[--sp];
          onStack[w] = 0;
          component[w] = components;
        } while (w !== v);
        components++;
      }
      depth--;
      if (depth > 0) {
        const u = callNode[depth - 1];
        if (low[v] < low[u]) low[u] = low[v];
      }
    }
  }
  return component;
}
