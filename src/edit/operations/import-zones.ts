import type { EditContext, OperationResult } from '../operation.ts';
import { createZone, type NewZone } from './create-zone.ts';

/**
 * Zones read from a file, as new draft zones in the session: one edit (one undo takes the whole
 * file back), shown on the map for review, saved as drafts with the others, published only by
 * a commander. The file has been checked shape by shape before (src/io/import-zones.ts).
 */
export function importZones(context: EditContext, zones: readonly NewZone[]): OperationResult {
  if (!zones.length) return { ok: false, reason: 'nothing_to_import' };
  const put = zones.flatMap((zone) => {
    const created = createZone(context, zone);
    return created.ok ? created.moment.put : [];
  });
  return { ok: true, moment: { note: 'import', remove: [], put } };
}
