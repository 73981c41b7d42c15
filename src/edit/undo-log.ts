import { applyMoment, type Moment, type SessionZones } from './moment.ts';

/** The editing session: its zones and the moments to undo and redo, latest last. */
export interface EditHistory {
  zones: SessionZones;
  undo: readonly Moment[];
  redo: readonly Moment[];
}

export const EMPTY_HISTORY: EditHistory = { zones: new Map(), undo: [], redo: [] };

/** How many edits can be undone; older ones fall off. */
export const UNDO_LIMIT = 200;

/** Applies an edit: its inverse goes on the undo stack and the redo stack is cleared. */
export function transact(history: EditHistory, moment: Moment): EditHistory {
  const { zones, inverse } = applyMoment(history.zones, moment);
  return { zones, undo: [...history.undo, inverse].slice(-UNDO_LIMIT), redo: [] };
}

/** Undoes the latest edit (no change when there is none). */
export function undo(history: EditHistory): EditHistory {
  const moment = history.undo.at(-1);
  if (!moment) return history;
  const { zones, inverse } = applyMoment(history.zones, moment);
  return { zones, undo: history.undo.slice(0, -1), redo: [...history.redo, inverse] };
}

/** Redoes the latest undone edit (no change when there is none). */
export function redo(history: EditHistory): EditHistory {
  const moment = history.redo.at(-1);
  if (!moment) return history;
  const { zones, inverse } = applyMoment(history.zones, moment);
  return { zones, undo: [...history.undo, inverse], redo: history.redo.slice(0, -1) };
}
