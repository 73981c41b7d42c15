/**
 * WCAG 2 colour contrast of `#rrggbb` colours: what the map's marker and zone colours are
 * checked against (non-text contrast, at least 3:1 against what they are drawn on). Pure.
 */
export type Rgb = [number, number, number];

export function hexToRgb(hex: string): Rgb {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [parseInt(match[1], 16), parseInt(match[2], 16), parseInt(match[3], 16)];
}

export const rgbToHex = (rgb: Rgb) => `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;

/** Relative luminance (WCAG 2.x), 0 for black to 1 for white. */
export function relativeLuminance(colour: string | Rgb): number {
  const [r, g, b] = (typeof colour === 'string' ? hexToRgb(colour) : colour).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The contrast ratio of two colours, 1 (same) to 21 (black on white), whichever is lighter. */
export function contrastRatio(a: string | Rgb, b: string | Rgb): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/** `top` painted with `opacity` over `bottom` (sRGB blending, as a map canvas composites). */
export function blend(top: string, opacity: number, bottom: string): string {
  const [t, b] = [hexToRgb(top), hexToRgb(bottom)];
  return rgbToHex(t.map((c, i) => c * opacity + b[i] * (1 - opacity)) as Rgb);
}
