import type { PublicSiteRow, SiteStatus } from './rows.ts';

/** What the list reads of a site. */
export type ListedSite = Pick<PublicSiteRow, 'id' | 'kind' | 'name' | 'name_en' | 'status'>;

const ORDER: Record<SiteStatus, number> = { open: 0, paused: 1, closed: 2 };

/** A testing site's state in the list: one without a status takes people, so it is open. */
export const listedStatus = (site: Pick<ListedSite, 'status'>): SiteStatus => site.status ?? 'open';

/**
 * The testing sites and mobile testing teams of the public sites (checkpoints are not for
 * testing), open ones first, then paused, then closed; by name within each, compared by `compare`
 * (the reader's collation of the names shown).
 */
export function testingSiteList<T extends ListedSite>(sites: readonly T[], compare: (a: T, b: T) => number): T[] {
  return sites
    .filter((site) => site.kind === 'testing_site' || site.kind === 'mobile_testing')
    .sort((a, b) => ORDER[listedStatus(a)] - ORDER[listedStatus(b)] || compare(a, b));
}
