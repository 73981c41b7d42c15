import { t } from '../../ui/i18n/i18n.svelte.ts';

/** A distance for people on foot: tens of metres below a kilometre, then tenths of a kilometre. */
export function formatDistance(metres: number): string {
  if (metres < 1000) return t('unit.m', { value: Math.max(10, Math.round(metres / 10) * 10) });
  return t('unit.km', { value: (metres / 1000).toFixed(1) });
}

/** A row's name in the reader's language: the English name when reading English and there is one. */
export function localName(row: { name: string; name_en: string | null }, locale: string): string {
  return locale === 'en' && row.name_en ? row.name_en : row.name;
}
