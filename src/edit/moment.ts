import type { WorkingZone } from './working-zone.ts';

/**
 * One edit of the session, as data: the zones it writes and the zones it takes out of the
 * session. Applying a moment returns its inverse, which is the undo of that edit; applying the
 * inverse returns the original again, which is the redo.
 */
export interface Moment {
  /** What the edit was (an i18n key under `edit.op.`), shown on the undo and redo buttons. */
  note: string;
  put: readonly WorkingZone[];
  /** Ids taken out of the session: back to their saved state, or gone if new. */
  remove: readonly string[];
}

/** The zones of an editing session by id (zones not in it are as saved). */
export type SessionZones = ReadonlyMap<string, WorkingZone>;

/** Applies a moment; returns the new session zones and the moment that undoes it. */
export function applyMoment(zones: SessionZones, moment: Moment): { zones: SessionZones; inverse: Moment } {
  const next = new Map(zones);
  const put: WorkingZone[] = [];
  const remove: string[] = [];
  const touched = new Set<string>();
  const remember = (id: string) => {
    if (touched.has(id)) return;
    touched.add(id);
    const before = zones.get(id);
    if (before) put.push(before);
    else remove.push(id);
  };
  for (const id of moment.remove) {
    remember(id);
    next.delete(id);
  }
  for (const zone of moment.put) {
    remember(zone.id);
    next.set(zone.id, zone);
  }
  return { zones: next, inverse: { note: moment.note, put, remove } };
}
