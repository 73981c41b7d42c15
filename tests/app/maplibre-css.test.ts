import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { dropControlRules } from '../../src/map/maplibre-css-plugin.ts';

const css = readFileSync(createRequire(import.meta.url).resolve('maplibre-gl/dist/maplibre-gl.css'), 'utf8');

describe('dropControlRules', () => {
  it('removes the built-in controls from maplibre-gl.css and keeps the map, canvas, marker and popup rules', () => {
    const out = dropControlRules(css);
    expect(out).not.toMatch(/maplibregl-ctrl|maplibregl-compact|data:image\/svg/);
    for (const kept of [
      '.maplibregl-map',
      '.maplibregl-canvas',
      '.maplibregl-marker',
      '.maplibregl-popup',
      '.maplibregl-interactive',
    ]) {
      expect(out, kept).toContain(kept);
    }
    expect(out.split('{').length).toBe(out.split('}').length);
    expect(out.length).toBeLessThan(css.length / 3);
  });

  it('keeps a rule shared with another selector, drops an @media block left empty, and leaves other at-rules alone', () => {
    const sample =
      '.a,.maplibregl-ctrl b{color:red}.maplibregl-ctrl-icon{x:1}@media (forced-colors:active){.maplibregl-ctrl-icon{y:2}}' +
      '@media print{.maplibregl-map{z:3}}@keyframes spin{from{a:1}to{a:2}}';
    expect(dropControlRules(sample)).toBe(
      '.a{color:red}@media print{.maplibregl-map{z:3}}@keyframes spin{from{a:1}to{a:2}}',
    );
  });
});
