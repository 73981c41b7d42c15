import { buildCompoundSearchIndex, type CompoundSearchIndex } from '../search/compound-index.ts';
import { listCompounds, type SearchCompound } from '../services/lookup-repos.ts';
import { fetchPublished, type PublishedCompounds } from '../services/published-map.ts';
import { publication } from './publication.svelte.ts';

/**
 * The compounds and their search index, read on first use (the first focus of the search box
 * or a shared link to a compound), so that opening the map costs nothing extra.
 */
class CompoundSearch {
  index = $state.raw<CompoundSearchIndex<SearchCompound> | null>(null);
  byId = $state.raw<ReadonlyMap<string, SearchCompound>>(new Map());
  error = $state<string | null>(null);
  private loading: Promise<void> | null = null;

  /** From the published compounds file when the map is published (no query), else the table. */
  load(): Promise<void> {
    const file = publication.pointer?.compounds;
    this.loading ??= (file ? fetchPublished<PublishedCompounds>(file) : listCompounds()).then(
      (compounds) => {
        this.byId = new Map(compounds.map((compound) => [compound.id, compound]));
        this.index = buildCompoundSearchIndex(compounds);
        this.error = null;
      },
      (error: Error) => {
        this.error = error.message;
        this.loading = null;
      },
    );
    return this.loading;
  }
}

export const compoundSearch = new CompoundSearch();
