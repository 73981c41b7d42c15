import type { Page } from 'playwright-core';

export type Rgb = [number, number, number];

export const hexToRgb = (hex: string): Rgb => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;

/**
 * Counts the pixels of a PNG (a screenshot) within `tolerance` of each colour, per channel.
 * The PNG is decoded by the browser itself, so no image library is needed in Node.
 */
export async function countColours(page: Page, png: Buffer, colours: Record<string, Rgb>, tolerance = 24): Promise<Record<string, number>> {
  return page.evaluate(
    async ({ base64, colours, tolerance }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d')!;
      context.drawImage(bitmap, 0, 0);
      const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
      const counts: Record<string, number> = Object.fromEntries(Object.keys(colours).map((name) => [name, 0]));
      for (let i = 0; i < data.length; i += 4) {
        for (const [name, [r, g, b]] of Object.entries(colours)) {
          if (Math.abs(data[i] - r) <= tolerance && Math.abs(data[i + 1] - g) <= tolerance && Math.abs(data[i + 2] - b) <= tolerance) {
            counts[name] += 1;
          }
        }
      }
      return counts;
    },
    { base64: png.toString('base64'), colours, tolerance },
  );
}
