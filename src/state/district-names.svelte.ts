import { listDistrictNames, type DistrictName } from '../services/lookup-repos.ts';
import { publication } from './publication.svelte.ts';

/** Sub-district names by id, read once when the zone list first opens. */
class DistrictNames {
  byId = $state.raw<ReadonlyMap<string, DistrictName>>(new Map());
  private loading: Promise<void> | null = null;

  /** The names that came with the published map file, else read from the table. */
  load(): Promise<void> {
    const published = publication.districts;
    this.loading ??= (published ? Promise.resolve(published) : listDistrictNames()).then(
      (rows) => {
        this.byId = new Map(rows.map((row) => [row.id, row]));
      },
      () => {
        // The list still works with ids in the district column; a later opening tries again.
        this.loading = null;
      },
    );
    return this.loading;
  }
}

export const districtNames = new DistrictNames();
