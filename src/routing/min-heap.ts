/**
 * Binary min-heap of (id, priority) pairs in typed arrays; grows on demand. Decrease-key is
 * left out on purpose: Dijkstra pushes duplicates and skips settled ids when they pop, which
 * is faster than maintaining positions for sparse road graphs.
 */
export class MinHeap {
  private ids: Uint32Array;
  private priorities: Float64Array;
  size = 0;

  constructor(capacity = 1024) {
    this.ids = new Uint32Array(capacity);
    this.priorities = new Float64Array(capacity);
  }

  push(id: number, priority: number): void {
    if (this.size === this.ids.length) this.grow();
    let i = this.size++;
    const ids = this.ids;
    const pr = this.priorities;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (pr[parent] <= priority) break;
      ids[i] = ids[parent];
      pr[i] = pr[parent];
      i = parent;
    }
    ids[i] = id;
    pr[i] = priority;
  }

  /** Priority of the smallest entry; undefined when empty. */
  peekPriority(): number | undefined {
    return this.size > 0 ? this.priorities[0] : undefined;
  }

  /** Removes the smallest entry and returns its id; undefined when empty. */
  pop(): number | undefined {
    if (this.size === 0) return undefined;
    const ids = this.ids;
    const pr = this.priorities;
    const top = ids[0];
    const last = --this.size;
    if (last > 0) {
      const id = ids[last];
      const priority = pr[last];
      let i = 0;
      const half = last >> 1;
      while (i < half) {
        let child = 2 * i + 1;
        if (child + 1 < last && pr[child + 1] < pr[child]) child++;
        if (pr[child] >= priority) break;
        ids[i] = ids[child];
        pr[i] = pr[child];
        i = child;
      }
      ids[i] = id;
      pr[i] = priority;
    }
    return top;
  }

  private grow(): void {
    const ids = new Uint32Array(this.ids.length * 2);
    ids.set(this.ids);
    const pr = new Float64Array(this.priorities.length * 2);
    pr.set(this.priorities);
    this.ids = ids;
    this.priorities = pr;
  }
}
