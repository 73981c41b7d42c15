import type { Locale } from '../../navigation/hash-state.ts';
import type { NoRouteWhy } from '../../routing/plan-run.ts';
import { translate } from '../../ui/i18n/translate.ts';

/**
 * Why a stop cannot be reached, in words: what cuts it, and the one opening (a pass, a
 * checkpoint, a zone's approach) that would restore a way, with its driving time.
 * `nameOf` names a zone or a checkpoint by id in the reader's language.
 */
export function noRouteText(
  locale: Locale,
  why: NoRouteWhy,
  nameOf: (kind: 'zone' | 'checkpoint', id: string) => string,
): string {
  if (why.reason !== 'closures') return translate(locale, `dispatch.why.${why.reason}`);
  const separator = locale === 'en' ? ', ' : '、';
  const parts = [
    translate(locale, 'dispatch.why.cutBy', { list: why.cutBy.map((c) => nameOf(c.kind, c.id)).join(separator) }),
  ];
  const minutes = Math.max(1, Math.round((why.openingSeconds ?? 0) / 60));
  const opening = why.opening;
  if (!opening) parts.push(translate(locale, 'dispatch.why.none'));
  else if (opening.kind === 'pass') parts.push(translate(locale, 'dispatch.why.open.pass', { minutes }));
  else
    parts.push(
      translate(locale, `dispatch.why.open.${opening.kind}`, { name: nameOf(opening.kind, opening.id), minutes }),
    );
  return parts.join(locale === 'en' ? '; ' : '；');
}
