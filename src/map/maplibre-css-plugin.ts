import type { Plugin } from 'vite';

/**
 * Drops from a stylesheet every selector that names one of MapLibre's built-in controls
 * (`maplibregl-ctrl…`, the compact attribution), and rules left with no selector, inside `@media`
 * blocks too. The app adds none of those controls (its own buttons stand in for them), and their
 * rules, with their icons inlined as SVG, are four fifths of maplibre-gl.css. Pure.
 */
export function dropControlRules(css: string): string {
  let out = '';
  let i = 0;
  while (i < css.length) {
    const open = css.indexOf('{', i);
    if (open < 0) {
      out += css.slice(i);
      break;
    }
    const prelude = css.slice(i, open);
    const close = matchingBrace(css, open);
    const body = css.slice(open + 1, close);
    if (prelude.trim().startsWith('@')) {
      const inner = /^\s*@(media|supports)\b/.test(prelude) ? dropControlRules(body) : body;
      if (inner.trim()) out += `${prelude}{${inner}}`;
    } else {
      const selectors = prelude.split(',').filter((selector) => !/maplibregl-(ctrl|compact)/.test(selector));
      if (selectors.length) out += `${selectors.join(',')}{${body}}`;
    }
    i = close + 1;
  }
  return out;
}

function matchingBrace(css: string, open: number): number {
  let depth = 0;
  for (let j = open; j < css.length; j++) {
    if (css[j] === '{') depth++;
    else if (css[j] === '}' && --depth === 0) return j;
  }
  throw new Error('unbalanced braces in a stylesheet');
}

/** Applies `dropControlRules` to maplibre-gl.css. */
export function maplibreCssPlugin(): Plugin {
  return {
    name: 'nantong-maplibre-css',
    enforce: 'pre',
    transform(code, id) {
      return /maplibre-gl\/dist\/maplibre-gl\.css$/.test(id.split('?')[0])
        ? { code: dropControlRules(code), map: null }
        : null;
    },
  };
}
