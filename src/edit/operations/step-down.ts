import type { ZoneFields } from '../working-zone.ts';
import { refuse, type EditContext, type OperationResult } from '../operation.ts';

/** The level a zone steps down to, or 'lifted' after precaution. */
export function nextStepDown(fields: Pick<ZoneFields, 'level' | 'status'>): 'control' | 'precaution' | 'lifted' | null {
  if (fields.status === 'lifted') return null;
  return fields.level === 'lockdown' ? 'control' : fields.level === 'control' ? 'precaution' : 'lifted';
}

/**
 * Steps a zone down one level (lockdown -> control -> precaution -> lifted) as one edit, from
 * today: its effective time restarts, so the review countdown does too.
 */
export function stepDown(context: EditContext, id: string, now: Date): OperationResult {
  const zone = context.zone(id);
  if (!zone) return refuse('zone_not_found');
  const next = nextStepDown(zone.fields);
  if (!next) return refuse('already_lifted');
  const fields: ZoneFields =
    next === 'lifted'
      ? { ...zone.fields, status: 'lifted' }
      : { ...zone.fields, level: next, effective_from: now.toISOString() };
  return { ok: true, moment: { note: 'stepDown', remove: [], put: [{ ...zone, fields }] } };
}
