import type { Locale } from '../../navigation/hash-state.ts';
import { zhCN, type Catalogue } from './zh-CN.ts';

/**
 * The other languages' catalogues are chunks of their own, fetched when the language is wanted:
 * most visitors read the default, Chinese, and should not download English with the app.
 */
const LOADERS: Record<Exclude<Locale, 'zh-CN'>, () => Promise<Catalogue>> = {
  en: async () => (await import('./en.ts')).en,
};

const loaded: Partial<Record<Locale, Catalogue>> = { 'zh-CN': zhCN };

/** A language's catalogue if it is in (Chinese always is). */
export function catalogue(locale: Locale): Catalogue | undefined {
  return loaded[locale];
}

/** Fetches a language's catalogue, once; rejects when it cannot be fetched (offline). */
export async function loadCatalogue(locale: Locale): Promise<void> {
  if (locale === 'zh-CN' || loaded[locale]) return;
  loaded[locale] = await LOADERS[locale]();
}
