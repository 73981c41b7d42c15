import type { Plugin } from 'vite';

/**
 * Fontsource's stylesheets name each subset twice, as woff2 and as woff for browsers without
 * woff2. Every browser that understands `unicode-range` (which the subsets rely on) reads woff2,
 * so the woff sources only lengthen the stylesheet every visitor downloads; they are dropped.
 */
export function dropWoffSources(css: string): string {
  return css.replace(/,\s*url\(\s*["']?[^)"']+\.woff["']?\s*\)\s*format\(\s*["']woff["']\s*\)/g, '');
}

/** Applies `dropWoffSources` to Fontsource's stylesheets. */
export function woff2OnlyPlugin(): Plugin {
  return {
    name: 'nantong-woff2-only',
    enforce: 'pre',
    transform(code, id) {
      return /@fontsource\/.+\.css$/.test(id.split('?')[0]) ? { code: dropWoffSources(code), map: null } : null;
    },
  };
}
