import type { ZoneRevisionRow } from '../domain/rows.ts';
import { listZoneRevisions } from '../services/staff-repos.ts';

/** The revisions of the zone whose history is open, re-read when the zone's version moves. */
class ZoneHistoryStore {
  revisions = $state.raw<readonly ZoneRevisionRow[]>([]);
  loading = $state(false);
  error = $state<string | null>(null);
  #key = '';
  #abort: AbortController | null = null;

  /** Reads the history of `zoneId` at `version` (nothing when it is already read). */
  load(zoneId: string, version: number): void {
    const key = `${zoneId}@${version}`;
    if (key === this.#key) return;
    this.#key = key;
    this.#abort?.abort();
    const abort = (this.#abort = new AbortController());
    if (!this.revisions.some((revision) => revision.zone_id === zoneId)) this.revisions = [];
    this.loading = true;
    this.error = null;
    listZoneRevisions(zoneId, abort.signal)
      .then((rows) => {
        if (!abort.signal.aborted) this.revisions = rows;
      })
      .catch((error: Error) => {
        if (!abort.signal.aborted) this.error = error.message;
      })
      .finally(() => {
        if (!abort.signal.aborted) this.loading = false;
      });
  }

  clear(): void {
    this.#abort?.abort();
    this.#key = '';
    this.revisions = [];
    this.loading = false;
  }
}

export const zoneHistory = new ZoneHistoryStore();
