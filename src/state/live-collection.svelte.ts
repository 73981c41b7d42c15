import { applyChange, planResync, type Change, type Versioned } from '../domain/change.ts';
import { forgetReturned, NO_DEPARTURES, noteDeparture, withDepartures, type Departures } from '../domain/departures.ts';
import type { LiveRepo } from '../services/live-repo.ts';

/**
 * One live collection of rows (zones, sites): filled by a read, kept current by changes, and
 * brought back in line by a resync after a (re)subscription. The rows live in `$state.raw` and
 * are replaced, never mutated, so the map sees a new array only when something changed.
 */
export class LiveCollection<T extends Versioned> {
  items = $state.raw<readonly T[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  /** Why rows left, where their remove said (a zone's broadcast); set together with `items`. */
  departures = $state.raw<Departures>(NO_DEPARTURES);

  constructor(private readonly repo: LiveRepo<T>) {}

  async load(signal?: AbortSignal): Promise<void> {
    try {
      const rows = await this.repo.list(signal);
      this.departures = forgetReturned(this.departures, rows);
      this.items = rows;
      this.loaded = true;
      this.error = null;
    } catch (error) {
      if (!signal?.aborted) this.error = (error as Error).message;
    }
  }

  /** Replaces every row: a published file read whole; `departed` says why rows left, where known. */
  replace(rows: readonly T[], departed: Departures = NO_DEPARTURES): void {
    this.departures = withDepartures(forgetReturned(this.departures, rows), departed);
    this.items = rows;
    this.loaded = true;
    this.error = null;
  }

  apply(change: Change<T>): void {
    this.departures = noteDeparture(this.departures, change);
    this.items = applyChange(this.items, change);
  }

  /**
   * Fetches `id, version` of what the server shows now and only the rows that moved. Used after
   * every (re)subscription, so that nothing missed while disconnected is lost.
   */
  async resync(signal?: AbortSignal): Promise<void> {
    try {
      const plan = planResync(this.items, await this.repo.versions(signal));
      const rows = plan.fetch.length ? await this.repo.byIds(plan.fetch, signal) : [];
      let items = this.items;
      for (const id of plan.remove) items = applyChange(items, { op: 'remove', id });
      for (const row of rows) items = applyChange(items, { op: 'upsert', row });
      this.departures = forgetReturned(this.departures, rows);
      this.items = items;
      this.loaded = true;
      this.error = null;
    } catch (error) {
      if (!signal?.aborted) this.error = (error as Error).message;
    }
  }

  /**
   * Re-reads one row after a staff change notice: upserts it, or removes it if it left view,
   * saying why where the repo can tell (unsaid if that read fails: the removal matters more).
   */
  async refresh(id: string, signal?: AbortSignal): Promise<void> {
    const [row] = await this.repo.byIds([id], signal);
    if (row) return this.apply({ op: 'upsert', row });
    const reason = await this.repo.departure?.(id, signal).catch(() => undefined);
    if (!signal?.aborted) this.apply({ op: 'remove', id, reason });
  }
}
