import type { SiteRow } from './rows.ts';

/** Why a run cannot start at a site: an expressway entry that is closed, or restricted to pass holders. */
export type RunStartProblem = 'entry_closed' | 'entry_needs_pass' | 'not_a_start';

/**
 * Where a supply run may start: a supply depot, or the expressway checkpoint a truck from
 * outside the district enters by, when that checkpoint lets it through (open; restricted only
 * with a pass). The database refuses the same starts when a run is saved (plan_delivery).
 */
export function runStartProblem(site: Pick<SiteRow, 'kind' | 'state'>, hasPass: boolean): RunStartProblem | null {
  if (site.kind === 'depot') return null;
  if (site.kind !== 'checkpoint') return 'not_a_start';
  if (site.state === 'closed') return 'entry_closed';
  if (site.state === 'restricted' && !hasPass) return 'entry_needs_pass';
  return null;
}
