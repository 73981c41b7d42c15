import { readFileSync } from 'node:fs';
import { DATASET_FILES, type Dataset } from '../../data/generator/contract.ts';

/** One layer of the committed demo dataset, data/nantong/ (what the seed loads and the app shows). */
export function demoLayer<K extends keyof Dataset>(layer: K): Dataset[K] {
  return JSON.parse(readFileSync(`data/nantong/${DATASET_FILES[layer]}`, 'utf8')) as Dataset[K];
}
