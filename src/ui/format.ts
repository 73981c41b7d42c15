import { t } from './i18n/i18n.svelte.ts';

/** A distance for people on foot: tens of metres below a kilometre, then tenths of a kilometre. */
export function formatDistance(metres: number): string {
  if (metres < 1000) return t('unit.m', { value: Math.max(10, Math.round(metres / 10) * 10) });
  return t('unit.km', { value: (metres / 1000).toFixed(1) });
}

/** A row's name in the reader's language: the English name when reading English and there is one. */
export function localName(row: { name: string; name_en: string | null }, locale: string): string {
  return locale === 'en' && row.name_en ? row.name_en : row.name;
}

/** An area: square metres below a hectare, hectares below a square kilometre, then km². */
export function formatArea(m2: number): string {
  if (m2 < 10_000) return `${Math.round(m2)} m²`;
  if (m2 < 1_000_000) return `${(m2 / 10_000).toFixed(1)} ha`;
  return `${(m2 / 1_000_000).toFixed(2)} km²`;
}

/** A whole number with thousands separators in the reader's language; `signed` shows + on gains. */
export function formatCount(value: number, locale: string, signed = false): string {
  return new Intl.NumberFormat(locale, signed ? { signDisplay: 'exceptZero' } : {}).format(value);
}
