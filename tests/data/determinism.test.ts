import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DATASET_FILES, type Dataset } from '../../data/generator/contract.ts';
import { generate } from '../../data/generator/generate.ts';
import { serializeToString } from '../../data/generator/write.ts';
import { COMMITTED_DIR } from './dataset.ts';

const files = Object.keys(DATASET_FILES) as (keyof Dataset)[];
const text = (data: Dataset) => Object.fromEntries(files.map((f) => [f, serializeToString(data[f])]));

describe('the generator', () => {
  const first = text(generate());

  it('gives byte-identical files when run twice', () => {
    expect(text(generate())).toEqual(first);
  });

  it('gives exactly the committed files (run `npm run data` after changing the generator)', () => {
    for (const f of files)
      expect(first[f] === readFileSync(COMMITTED_DIR + DATASET_FILES[f], 'utf8'), DATASET_FILES[f]).toBe(true);
  });

  it('depends on the seed', () => {
    const other = text(generate({ seed: 'another-district' }));
    expect(other.roads).not.toBe(first.roads);
    expect(other.compounds).not.toBe(first.compounds);
  });
});
