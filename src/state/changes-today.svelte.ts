import { zoneChangesToday, type ZoneChangeToday } from '../domain/changes-today.ts';
import { fetchPublished, type PublishedChanges } from '../services/published-map.ts';
import { readRevisionsForToday } from '../services/zone-revisions-repo.ts';
import { publication } from './publication.svelte.ts';

/**
 * "What changed today": re-read whenever the public map's zones change (revisions are written by
 * trigger), from the published changes file when the map is published, else from the table.
 */
class ChangesToday {
  changes = $state.raw<readonly ZoneChangeToday[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  private abort: AbortController | null = null;

  async refresh(): Promise<void> {
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    try {
      const now = new Date();
      const file = publication.pointer?.changes;
      const revisions = file
        ? await fetchPublished<PublishedChanges>(file, abort.signal)
        : await readRevisionsForToday(now, abort.signal);
      if (abort.signal.aborted) return;
      this.changes = zoneChangesToday(revisions, { now });
      this.loaded = true;
      this.error = null;
    } catch (error) {
      if (!abort.signal.aborted) this.error = (error as Error).message;
    }
  }
}

export const changesToday = new ChangesToday();
