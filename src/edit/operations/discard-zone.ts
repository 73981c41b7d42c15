import type { OperationResult } from '../operation.ts';

/** Drops this session's edits of a zone (a new zone disappears); undo brings them back. */
export function discardZone(id: string): OperationResult {
  return { ok: true, moment: { note: 'discard', remove: [id], put: [] } };
}
