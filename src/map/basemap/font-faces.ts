/** One `@font-face` of a Fontsource stylesheet: the woff2 file and the code points it covers. */
export interface FontFaceEntry {
  file: string;
  unicodeRange: string[];
}

/**
 * Reads the woff2 files and unicode ranges out of a Fontsource stylesheet
 * (`@fontsource/noto-sans-sc/400.css`), to declare the same files as the map style's
 * `font-faces`. Pure; used at build time.
 */
export function parseFontFaces(css: string): FontFaceEntry[] {
  const entries: FontFaceEntry[] = [];
  for (const block of css.split('@font-face').slice(1)) {
    const file = /url\(\.\/files\/([^)]+\.woff2)\)/.exec(block)?.[1];
    const range = /unicode-range:\s*([^;]+);/.exec(block)?.[1];
    if (!file || !range) continue;
    entries.push({
      file,
      unicodeRange: range.split(',').map((part) => part.trim().toUpperCase().replace(/^U\+/, 'U+')),
    });
  }
  return entries;
}
