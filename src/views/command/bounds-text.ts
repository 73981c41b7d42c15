import type { Bound, Side, ZoneBounds } from '../../geo/zone-bounds.ts';
import { SIDES } from '../../geo/zone-bounds.ts';
import type { Locale } from '../../navigation/hash-state.ts';
import { translate } from '../../ui/i18n/translate.ts';

/** A bound's feature name in the reader's language (the Chinese name when there is no English one). */
function nameOf(locale: Locale, bound: Bound): string {
  return (locale === 'en' ? (bound.nameEn ?? bound.name) : (bound.name ?? bound.nameEn)) ?? '';
}

/** What bounds one side: "新港路", "江山鼎北侧围墙", "距新港路约 200 米". */
function sideText(locale: Locale, side: Side, bound: Bound): string {
  const name = nameOf(locale, bound);
  switch (bound.kind) {
    case 'road':
    case 'water':
      return name;
    case 'compound-wall':
      return translate(locale, 'bounds.wall', { name, side: translate(locale, `bounds.side.${bound.wall ?? side}`) });
    case 'nearest':
      return translate(locale, 'bounds.short', { name, metres: Math.round(bound.distanceM ?? 0) });
    case 'none':
      return translate(locale, 'bounds.none');
  }
}

/**
 * The boundary wording of a notice (四至): "东至宏达二路，南至东方二街，西至金港二街，北至秋实二大道"
 * in Chinese, "East: …; south: …; west: …; north: …" in English, from `zoneBounds`. A side with
 * nothing named near says so plainly rather than leaving a gap.
 */
export function boundsText(locale: Locale, bounds: ZoneBounds): string {
  return SIDES.map((side) => translate(locale, `bounds.${side}`, { what: sideText(locale, side, bounds[side]) })).join(
    translate(locale, 'bounds.separator'),
  );
}
