import { pointOnSurface } from '../geo/point-on-surface.ts';
import { DEFAULT_COVERAGE_LIMIT_M } from '../routing/walking-coverage.ts';
import { operatingTestingSites, walkingRoutingClient } from '../services/nearest-testing.ts';
import { staffCompounds, staffSites } from './staff-data.svelte.ts';

export interface CoveredCompound {
  id: string;
  /** Walking metres to the nearest operating testing site; Infinity when none within reach. */
  distanceM: number;
  siteId: string | null;
}

/**
 * Testing coverage: each compound's walking distance (from a point inside it, over the basemap's
 * roads) to the nearest operating testing site, by one multi-source search in the walking worker
 * (`walkingCoverage`), and the compounds over the chosen limit. Recomputed when the sites, the
 * compounds or the limit change; an older answer arriving late is dropped.
 */
class CoverageStore {
  limitM = $state(DEFAULT_COVERAGE_LIMIT_M);
  result = $state.raw<{ compounds: CoveredCompound[]; sites: number } | null>(null);
  running = $state(false);
  problem = $state<string | null>(null);
  #run = 0;

  readonly over = $derived(
    (this.result?.compounds ?? []).filter((c) => c.distanceM > this.limitM).sort((a, b) => b.distanceM - a.distanceM),
  );

  async compute(): Promise<void> {
    const run = ++this.#run;
    const sites = operatingTestingSites(staffSites.items);
    const compounds = staffCompounds.items;
    this.running = true;
    this.problem = null;
    try {
      const client = await walkingRoutingClient();
      const answer = await client.walkingCoverage(
        sites.map((site) => ({ id: site.id, position: site.geom.coordinates })),
        compounds.map((compound) => pointOnSurface(compound.geom)),
        // Far enough past the limit to rank the compounds over it, not so far the search covers the city.
        { limitM: this.limitM, maxDistanceM: this.limitM * 3 },
      );
      if (run !== this.#run) return;
      this.result = {
        sites: sites.length,
        compounds: compounds.map((compound, i) => ({
          id: compound.id,
          distanceM: answer.distanceM[i],
          siteId: answer.siteId[i],
        })),
      };
    } catch (error) {
      if (run === this.#run) this.problem = (error as Error).message;
    } finally {
      if (run === this.#run) this.running = false;
    }
  }
}

export const coverage = new CoverageStore();
