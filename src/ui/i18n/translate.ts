import type { Locale } from '../../navigation/hash-state.ts';
import { en } from './en.ts';
import { zhCN, type Catalogue, type MessageKey } from './zh-CN.ts';

export const CATALOGUES: Record<Locale, Catalogue> = { 'zh-CN': zhCN, en };

export type MessageParams = Record<string, string | number>;

/** Looks a message up and fills its `{name}` parameters; a missing parameter stays visible. */
export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
  const template = CATALOGUES[locale][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
