import { DEFAULT_LOCALE, type Locale } from '../../navigation/hash-state.ts';
import { route } from '../../state/route.svelte.ts';
import { loadCatalogue } from './catalogues.ts';
import { translate, type MessageParams } from './translate.ts';
import type { MessageKey } from './zh-CN.ts';

/**
 * The languages whose catalogue is in, as state: text drawn in Chinese while the URL's language
 * was still on its way (a link edited by hand) is drawn again once it arrives.
 */
const ready = $state<Partial<Record<Locale, true>>>({ [DEFAULT_LOCALE]: true });

/** Fetches a language's catalogue; false when it could not be fetched (offline). */
async function fetched(locale: Locale): Promise<boolean> {
  try {
    await loadCatalogue(locale);
  } catch {
    return false;
  }
  ready[locale] = true;
  return true;
}

/** Translates into the language in the URL hash; reactive wherever it is read. */
export function t(key: MessageKey, params?: MessageParams): string {
  return translate(ready[route.locale] ? route.locale : DEFAULT_LOCALE, key, params);
}

/**
 * Whether a language's catalogue is in, fetching it when it is not: for text always written in
 * that language whatever the page's (the commander's boundary wording, in both languages).
 * Reactive: true once it arrives.
 */
export function catalogueReady(locale: Locale): boolean {
  if (!ready[locale]) void fetched(locale);
  return ready[locale] === true;
}

/** Dates and times for the current language, on the district's clock. */
export function formatDate(value: Date, options: Intl.DateTimeFormatOptions): string {
  return new Intl.DateTimeFormat(route.locale, { timeZone: 'Asia/Shanghai', ...options }).format(value);
}

/**
 * Fetches the catalogue of the language the URL asks for. Offline, the page goes on in Chinese,
 * and the URL says so: names and dates follow the URL's language, and must not stay English
 * around Chinese text.
 */
export async function loadUrlLocale(): Promise<void> {
  const locale = route.locale;
  if (!(await fetched(locale)) && route.locale === locale) route.update({ locale: DEFAULT_LOCALE });
}

/**
 * Switches language once its catalogue is in, so the page never shows it half-drawn; offline the
 * page stays as it is.
 */
export async function switchLocale(locale: Locale): Promise<void> {
  if (await fetched(locale)) route.update({ locale });
}
