import type { MultiPolygon } from 'geojson';
import type { ZoneDraftRow, ZoneRow, ZoneStatus } from '../domain/rows.ts';

/** The fields a commander edits; everything else of a zone is the server's. */
export const ZONE_EDIT_FIELDS = [
  'name',
  'name_en',
  'level',
  'status',
  'geom',
  'effective_from',
  'review_days',
  'notes',
  'bounds_zh',
  'bounds_en',
] as const;
export type ZoneFields = Pick<ZoneRow, (typeof ZONE_EDIT_FIELDS)[number]> & { geom: MultiPolygon };

/** What a saved zone was when the commander started editing it: the versions a save sends back. */
export interface ZoneBase {
  /** The zone's version (`zones.version`). */
  version: number;
  /** The zone's status on the server: a `draft` zone is saved in place, others through a draft. */
  status: ZoneStatus;
  /** The version of its pending draft (`zone_drafts.version`), null when there is none. */
  draftVersion: number | null;
  /** The fields as they were then: what tells the commander's own changes from the rest. */
  fields: ZoneFields;
}

/**
 * A zone as the commander's editing session holds it: its edited fields, and the server state it
 * started from (`base`, null for a zone that exists only in this session).
 */
export interface WorkingZone {
  id: string;
  base: ZoneBase | null;
  fields: ZoneFields;
}

/** The ids of zones that exist only in the editing session start with this. */
export const NEW_ZONE_PREFIX = 'new-';

export const isNewZone = (zone: Pick<WorkingZone, 'base'>) => zone.base === null;

/** Whether a field differs between two sets of fields (geometry compared by its coordinates). */
function differs(key: (typeof ZONE_EDIT_FIELDS)[number], a: ZoneFields, b: ZoneFields): boolean {
  return key === 'geom' ? JSON.stringify(a.geom) !== JSON.stringify(b.geom) : a[key] !== b[key];
}

/** A saved zone as the commander sees it: its pending draft applied, with the versions to save against. */
export function workingFromSaved(row: ZoneRow, draft: ZoneDraftRow | null | undefined): WorkingZone {
  const source = draft ?? row;
  const fields: ZoneFields = {
    name: source.name,
    name_en: source.name_en,
    level: source.level,
    status: source.status,
    geom: source.geom,
    effective_from: source.effective_from,
    review_days: source.review_days,
    notes: source.notes,
    bounds_zh: source.bounds_zh,
    bounds_en: source.bounds_en,
  };
  return {
    id: row.id,
    base: { version: row.version, status: row.status, draftVersion: draft?.version ?? null, fields },
    fields,
  };
}

/**
 * My edit of a zone replayed on top of someone else's newer version: the fields I changed from
 * where I started take my values, the others keep theirs; the versions become theirs, so the
 * next save is checked against what they saved.
 */
export function rebase(mine: WorkingZone, theirs: WorkingZone): WorkingZone {
  const origin = mine.base?.fields;
  if (!origin) return { ...mine, base: theirs.base };
  const fields = { ...theirs.fields };
  for (const key of ZONE_EDIT_FIELDS)
    if (differs(key, mine.fields, origin)) (fields as Record<string, unknown>)[key] = mine.fields[key];
  return { id: mine.id, base: theirs.base, fields };
}
