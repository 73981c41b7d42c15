import type { Locale } from '../../navigation/hash-state.ts';
import { catalogue } from './catalogues.ts';
import { zhCN, type MessageKey } from './zh-CN.ts';

export type MessageParams = Record<string, string | number>;

/**
 * Looks a message up and fills its `{name}` parameters; a missing parameter stays visible. A
 * language whose catalogue is not in yet (see `loadCatalogue`) reads in Chinese: never a bare key.
 */
export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
  const template = (catalogue(locale) ?? zhCN)[key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
