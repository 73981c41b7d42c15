import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { dropWoffSources } from '../../src/ui/woff2-only-plugin.ts';

const css = readFileSync(createRequire(import.meta.url).resolve('@fontsource/noto-sans-sc/400.css'), 'utf8');

describe('dropWoffSources', () => {
  it('leaves each face of the Fontsource stylesheet its woff2 source and nothing else changed', () => {
    const out = dropWoffSources(css);
    const faces = css.split('@font-face').length - 1;
    expect(faces).toBeGreaterThan(100);
    expect(out.split('@font-face').length - 1).toBe(faces);
    expect(out.match(/format\('woff2'\)/g)).toHaveLength(faces);
    expect(out).not.toMatch(/\.woff\)|format\('woff'\)/);
    expect(out.match(/unicode-range/g)).toHaveLength(faces);
    expect(out.length).toBeLessThan(css.length);
  });

  it('keeps a face that has no woff source as it is, and quoted URLs work', () => {
    const only = `@font-face{src:url(a.woff2) format('woff2');}`;
    expect(dropWoffSources(only)).toBe(only);
    expect(dropWoffSources(`src: url("a.woff2") format("woff2"), url("a.woff") format("woff");`)).toBe(
      `src: url("a.woff2") format("woff2");`,
    );
  });
});
