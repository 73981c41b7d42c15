import type { MultiPolygon } from 'geojson';
import type { ZoneLevel } from '../../domain/rows.ts';
import { zoneFromCompounds as coverCompounds } from '../../geo/zone-from-compounds.ts';
import { refuse, type EditContext, type OperationResult } from '../operation.ts';
import { createZone } from './create-zone.ts';

/** A new zone covering the footprints of the chosen compounds with a margin in metres. */
export function zoneFromCompounds(
  context: EditContext,
  compounds: readonly { geom: MultiPolygon }[],
  marginMetres: number,
  zone: { level: ZoneLevel; name: string; name_en: string | null },
): OperationResult {
  const result = coverCompounds(
    compounds.map((compound) => compound.geom),
    marginMetres,
  );
  if (!result.ok) return refuse(result.reason);
  return createZone(context, { ...zone, geom: result.geom, note: 'fromCompounds' });
}
