/** The screens the hash router knows; `public` (the map) is the default. */
export const VIEWS = ['public', 'signin', 'command', 'dispatch'] as const;
export type View = (typeof VIEWS)[number];

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

/** Map position in the hash: zoom and centre (`[lng, lat]`). */
export interface Camera {
  zoom: number;
  center: [number, number];
}

/** What is selected on the map: a zone, a site or a compound (found by search), by id. */
export interface Selection {
  kind: 'zone' | 'site' | 'compound';
  id: string;
}

/** Everything a shared link restores: screen, map position, selection and language. */
export interface HashState {
  view: View;
  camera: Camera | null;
  selection: Selection | null;
  /** The point "where am I" answers for (device location or a tap), `[lng, lat]`. */
  place: [number, number] | null;
  locale: Locale;
}

const VIEW_PATHS: Record<View, string> = { public: '/', signin: '/signin', command: '/command', dispatch: '/dispatch' };

function parseCamera(value: string | null): Camera | null {
  if (!value) return null;
  const parts = value.split('/').map(Number);
  if (parts.length !== 3 || parts.some((n) => !Number.isFinite(n))) return null;
  const [zoom, lat, lng] = parts;
  if (zoom < 0 || zoom > 24 || lat < -90 || lat > 90 || lng < -180 || lng > 180) return null;
  return { zoom, center: [lng, lat] };
}

function parsePlace(value: string | null): [number, number] | null {
  if (!value) return null;
  const parts = value.split('/').map(Number);
  if (parts.length !== 2 || parts.some((n) => !Number.isFinite(n))) return null;
  const [lat, lng] = parts;
  return lat >= -90 && lat <= 90 && lng >= -180 && lng <= 180 ? [lng, lat] : null;
}

function parseSelection(value: string | null): Selection | null {
  const match = value ? /^(zone|site|compound):(.+)$/.exec(value) : null;
  return match ? { kind: match[1] as Selection['kind'], id: match[2] } : null;
}

/**
 * Reads `#/<view>?map=<zoom>/<lat>/<lng>&sel=<zone|site|compound>:<id>&at=<lat>/<lng>&lang=<locale>`. Anything it does
 * not understand falls back to the default (public map, no camera, zh-CN), never throws: a hash
 * comes from a link someone typed or shared.
 */
export function parseHash(hash: string): HashState {
  const body = hash.replace(/^#/, '');
  const [path, query = ''] = body.split('?', 2);
  const params = new URLSearchParams(query);
  const normalized = '/' + path.replace(/^\/+|\/+$/g, '');
  const view = VIEWS.find((v) => VIEW_PATHS[v] === normalized) ?? 'public';
  const lang = params.get('lang');
  return {
    view,
    camera: parseCamera(params.get('map')),
    selection: parseSelection(params.get('sel')),
    place: parsePlace(params.get('at')),
    locale: (LOCALES as readonly string[]).includes(lang ?? '') ? (lang as Locale) : DEFAULT_LOCALE,
  };
}

/** Writes the hash for a state; the camera is rounded to what a link needs (about 1 m). */
export function formatHash(state: HashState): string {
  const params = new URLSearchParams();
  if (state.camera) {
    const [lng, lat] = state.camera.center;
    params.set('map', `${state.camera.zoom.toFixed(2)}/${lat.toFixed(5)}/${lng.toFixed(5)}`);
  }
  if (state.selection) params.set('sel', `${state.selection.kind}:${state.selection.id}`);
  if (state.place) params.set('at', `${state.place[1].toFixed(5)}/${state.place[0].toFixed(5)}`);
  if (state.locale !== DEFAULT_LOCALE) params.set('lang', state.locale);
  const query = params.toString().replaceAll('%2F', '/').replaceAll('%3A', ':');
  return `#${VIEW_PATHS[state.view]}${query ? `?${query}` : ''}`;
}
