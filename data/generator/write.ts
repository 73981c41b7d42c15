import { mkdirSync, closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DATASET_FILES, type Dataset } from './contract.ts';

/** Features per write: keeps the scale-80 roads file (~200 MB) out of one giant string. */
const CHUNK = 5_000;

/**
 * The file text of a collection: one feature per line, so that a changed feature is a one-line
 * diff and the files stay greppable. Deterministic: key order is construction order.
 */
export function* serializeCollection(collection: { features: unknown[] }): Generator<string> {
  const { features } = collection;
  yield '{"type":"FeatureCollection","features":[\n';
  for (let k = 0; k < features.length; k += CHUNK) {
    const lines = features.slice(k, k + CHUNK).map((f) => JSON.stringify(f));
    yield lines.join(',\n') + (k + CHUNK < features.length ? ',\n' : '\n');
  }
  yield ']}\n';
}

export function serializeToString(collection: { features: unknown[] }): string {
  return [...serializeCollection(collection)].join('');
}

/** Writes every collection of the dataset into `dir` (created if missing) under its contract file name. */
export function writeDataset(dir: string, data: Dataset): void {
  mkdirSync(dir, { recursive: true });
  for (const key of Object.keys(DATASET_FILES) as (keyof Dataset)[]) {
    const fd = openSync(join(dir, DATASET_FILES[key]), 'w');
    try {
      for (const chunk of serializeCollection(data[key])) writeSync(fd, chunk);
    } finally {
      closeSync(fd);
    }
  }
}
