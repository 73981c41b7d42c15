import type { MapChange } from '../domain/map-changes.ts';
import { STATUS_MESSAGES } from '../domain/status-messages.ts';
import type { Locale } from '../navigation/hash-state.ts';
import { translate } from './i18n/translate.ts';

const nameIn = (locale: Locale, row: { name: string; name_en: string | null }) =>
  locale === 'en' && row.name_en ? row.name_en : row.name;

/** One change in plain words, e.g. "丰乐新村周边管控区已解封" / "Fengle New Village control zone has been lifted". */
export function changeSentence(locale: Locale, change: MapChange): string {
  const level = (value: keyof (typeof STATUS_MESSAGES)['en']['level']) => STATUS_MESSAGES[locale].level[value];
  const zone = nameIn(locale, change);
  switch (change.kind) {
    case 'zone_added':
      return translate(locale, 'announce.zoneAdded', { zone, level: level(change.level) });
    case 'zone_lifted':
      return translate(locale, 'announce.zoneLifted', { zone });
    case 'zone_withdrawn':
      return translate(locale, 'announce.zoneWithdrawn', { zone });
    case 'zone_stepped_down':
    case 'zone_stepped_up':
      return translate(
        locale,
        change.kind === 'zone_stepped_down' ? 'announce.zoneSteppedDown' : 'announce.zoneSteppedUp',
        {
          zone,
          from: level(change.from),
          level: level(change.level),
        },
      );
    case 'zone_reshaped':
      return translate(locale, 'announce.zoneReshaped', { zone });
    case 'site_added':
      return translate(locale, 'announce.siteAdded', { site: zone });
    case 'site_removed':
      return translate(locale, 'announce.siteRemoved', { site: zone });
    case 'site_status':
      return translate(locale, `announce.site.${change.status}`, { site: zone });
    case 'checkpoint_state':
      return translate(locale, `announce.checkpoint.${change.state}`, { site: zone });
  }
}

/**
 * What the live region says for a batch of changes: up to `max` sentences, then how many more
 * (the rest is in "what changed today"). Empty when nothing changed.
 */
export function announcement(locale: Locale, changes: readonly MapChange[], max = 3): string {
  if (changes.length === 0) return '';
  const shown = changes.length > max ? changes.slice(0, max - 1) : changes;
  const parts = shown.map((change) => changeSentence(locale, change));
  if (shown.length < changes.length)
    parts.push(translate(locale, 'announce.more', { count: changes.length - shown.length }));
  return parts.join(translate(locale, 'announce.separator'));
}
