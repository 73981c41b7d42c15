/**
 * Colours of the site markers, shared by the deck.gl layers and the legend. Kept apart from the
 * layers so that the legend does not pull deck.gl into the public view's first chunk.
 */
type Rgba = [number, number, number, number];

export const SITE_COLORS = {
  testingOpen: [26, 152, 80, 255] as Rgba,
  testingClosed: [140, 140, 140, 255] as Rgba,
  mobile: [118, 66, 172, 255] as Rgba,
  checkpoint: {
    open: [33, 102, 172, 255] as Rgba,
    restricted: [230, 120, 20, 255] as Rgba,
    closed: [40, 40, 40, 255] as Rgba,
  },
};

export const rgbaToCss = ([r, g, b, a]: Rgba) => `rgba(${r},${g},${b},${a / 255})`;
