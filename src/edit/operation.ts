import type { Moment } from './moment.ts';
import type { WorkingZone } from './working-zone.ts';

/** What an operation reads: the zones as the commander sees them now, and fresh ids. */
export interface EditContext {
  /** The zone as edited in this session, or as saved (its pending draft applied), or null. */
  zone(id: string): WorkingZone | null;
  /** An id for a zone that exists only in this session (starts with `new-`). */
  newId(): string;
}

/** An operation's answer: the edit to apply, or why it cannot be done (a code the UI translates). */
export type OperationResult = { ok: true; moment: Moment } | { ok: false; reason: string };

export const refuse = (reason: string): OperationResult => ({ ok: false, reason });
