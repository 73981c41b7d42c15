import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';
import { parseFontFaces } from './font-faces.ts';

const VIRTUAL_ID = 'virtual:map-fonts';
const RESOLVED_ID = '\0' + VIRTUAL_ID;
const PACKAGE = '@fontsource/noto-sans-sc';

/**
 * `virtual:map-fonts` exports the map style's `font-faces` for Noto Sans SC: every woff2 subset
 * of the Fontsource package with its unicode range, bundled as a local asset. MapLibre 6 draws
 * label glyphs from these files with its own TinySDF and downloads a subset only when a label
 * needs one of its code points, so labels in Chinese and English need no glyph server.
 */
export function mapFontsPlugin(): Plugin {
  return {
    name: 'nantong-map-fonts',
    resolveId(id) {
      return id === VIRTUAL_ID ? RESOLVED_ID : null;
    },
    load(id) {
      if (id !== RESOLVED_ID) return null;
      const cssPath = createRequire(import.meta.url).resolve(`${PACKAGE}/400.css`);
      const entries = parseFontFaces(readFileSync(cssPath, 'utf8'));
      if (entries.length === 0) throw new Error(`No font faces found in ${cssPath}`);
      const imports = entries.map((entry, i) => `import f${i} from '${PACKAGE}/files/${entry.file}?url';`);
      const faces = entries.map((entry, i) => `{ url: f${i}, 'unicode-range': ${JSON.stringify(entry.unicodeRange)} }`);
      return `${imports.join('\n')}\nexport const mapFontFaces = [${faces.join(',\n')}];\n`;
    },
  };
}
