import { route } from '../../state/route.svelte.ts';
import { translate, type MessageParams } from './translate.ts';
import type { MessageKey } from './zh-CN.ts';

/** Translates into the language in the URL hash; reactive wherever it is read. */
export function t(key: MessageKey, params?: MessageParams): string {
  return translate(route.locale, key, params);
}

/** Dates and times for the current language, on the district's clock. */
export function formatDate(value: Date, options: Intl.DateTimeFormatOptions): string {
  return new Intl.DateTimeFormat(route.locale, { timeZone: 'Asia/Shanghai', ...options }).format(value);
}
