import type { Position } from 'geojson';
import { moveSharedVertex } from '../../geo/shared-vertices.ts';
import { refuse, type EditContext, type OperationResult } from '../operation.ts';

/**
 * Moves a vertex of the edited zone and the same vertex of every zone that shares it (`neighbours`:
 * the zones on the map), as one edit, so no gap or overlap opens along a shared boundary.
 */
export function moveVertex(
  context: EditContext,
  neighbourIds: readonly string[],
  from: Position,
  to: Position,
): OperationResult {
  const zones = neighbourIds.map((id) => context.zone(id)).filter((zone) => zone !== null);
  const moved = moveSharedVertex(
    zones.map((zone) => ({ id: zone.id, geom: zone.fields.geom })),
    from,
    to,
  );
  if (!moved.length) return refuse('vertex_not_found');
  const byId = new Map(zones.map((zone) => [zone.id, zone]));
  return {
    ok: true,
    moment: {
      note: 'moveVertex',
      remove: [],
      put: moved.map(({ id, geom }) => {
        const zone = byId.get(id)!;
        return { ...zone, fields: { ...zone.fields, geom } };
      }),
    },
  };
}
