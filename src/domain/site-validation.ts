import { CHECKPOINT_STATES, QUARANTINE_SITE_TYPES, SITE_STATUSES, type SiteKind, type SiteRow } from './rows.ts';
import { minutesOfDay } from './site-hours.ts';

/** The fields of a site a commander edits (the rest is the server's). */
export type SiteFields = Pick<
  SiteRow,
  | 'kind'
  | 'name'
  | 'name_en'
  | 'status'
  | 'capacity_per_hour'
  | 'opens'
  | 'closes'
  | 'queue_length'
  | 'state'
  | 'road'
  | 'pass_required'
  | 'rooms_total'
  | 'rooms_ready'
  | 'rooms_occupied'
  | 'site_type'
  | 'key'
>;

/** Why a field is refused; the form words it through the i18n catalogue (`site.problem.<reason>`). */
export type SiteProblemReason =
  | 'required'
  | 'not_whole'
  | 'negative'
  | 'too_large'
  | 'bad_time'
  | 'hours_half'
  | 'unknown_value'
  | 'ready_over_total'
  | 'occupied_over_ready';

export interface SiteProblem {
  field: keyof SiteFields;
  reason: SiteProblemReason;
}

/** Counts above this are typing mistakes (a site with a million rooms or tests an hour is not one). */
export const MAX_COUNT = 1_000_000;

/** A named check of one rule: the fields it fails on and why; empty when the site passes. */
export type SiteValidation = (site: SiteFields) => SiteProblem[];

const fieldsByKind: Record<SiteKind, readonly (keyof SiteFields)[]> = {
  testing_site: ['status', 'capacity_per_hour', 'opens', 'closes', 'queue_length'],
  mobile_testing: ['status', 'capacity_per_hour'],
  checkpoint: ['state', 'road', 'pass_required'],
  quarantine_site: ['site_type', 'rooms_total', 'rooms_ready', 'rooms_occupied'],
  depot: [],
  enterprise: ['key'],
};

/** The fields a site of this kind shows and keeps, beside its names. */
export function siteFieldsFor(kind: SiteKind): readonly (keyof SiteFields)[] {
  return fieldsByKind[kind];
}

/** A site has a name (the notice and the map label need one). */
export const validateName: SiteValidation = (site) => (site.name.trim() ? [] : [{ field: 'name', reason: 'required' }]);

/** Counts are whole, not negative and not absurd. */
export const validateCounts: SiteValidation = (site) =>
  (['capacity_per_hour', 'queue_length', 'rooms_total', 'rooms_ready', 'rooms_occupied'] as const).flatMap(
    (field): SiteProblem[] => {
      const value = site[field];
      if (value === null) return [];
      if (!Number.isInteger(value)) return [{ field, reason: 'not_whole' }];
      if (value < 0) return [{ field, reason: 'negative' }];
      if (value > MAX_COUNT) return [{ field, reason: 'too_large' }];
      return [];
    },
  );

/** Hours are both given or both empty, each a time of day; hours ending before they start run past midnight. */
export const validateHours: SiteValidation = (site) => {
  const problems: SiteProblem[] = [];
  for (const field of ['opens', 'closes'] as const) {
    const value = site[field];
    if (value !== null && value !== '' && (minutesOfDay(value) === null || minutesOfDay(value)! > 24 * 60)) {
      problems.push({ field, reason: 'bad_time' });
    }
  }
  if (!problems.length && !site.opens !== !site.closes) {
    problems.push({ field: site.opens ? 'closes' : 'opens', reason: 'hours_half' });
  }
  return problems;
};

/** Enumerated fields hold one of their values, and the fields a kind requires are there. */
export const validateKindFields: SiteValidation = (site) => {
  const problems: SiteProblem[] = [];
  const oneOf = (field: 'status' | 'state' | 'site_type', values: readonly string[]) => {
    const value = site[field];
    if (value !== null && !values.includes(value)) problems.push({ field, reason: 'unknown_value' });
  };
  oneOf('status', SITE_STATUSES);
  oneOf('state', CHECKPOINT_STATES);
  oneOf('site_type', QUARANTINE_SITE_TYPES);
  if (site.kind === 'checkpoint' && site.state === null) problems.push({ field: 'state', reason: 'required' });
  if (site.kind === 'quarantine_site') {
    if (site.rooms_total === null) problems.push({ field: 'rooms_total', reason: 'required' });
    if (site.site_type === null) problems.push({ field: 'site_type', reason: 'required' });
  }
  return problems;
};

/** Occupied rooms are ready rooms, and ready rooms are rooms: occupied ≤ ready ≤ total. */
export const validateRooms: SiteValidation = (site) => {
  const { rooms_total: total, rooms_ready: ready, rooms_occupied: occupied } = site;
  const problems: SiteProblem[] = [];
  if (total !== null && ready !== null && ready > total)
    problems.push({ field: 'rooms_ready', reason: 'ready_over_total' });
  const cap = ready ?? total;
  if (occupied !== null && cap !== null && occupied > cap) {
    problems.push({ field: 'rooms_occupied', reason: 'occupied_over_ready' });
  }
  return problems;
};

const VALIDATIONS: readonly SiteValidation[] = [
  validateName,
  validateCounts,
  validateHours,
  validateKindFields,
  validateRooms,
];

/**
 * Every problem of a site's fields, at most one per field (the first rule it breaks), so the
 * form can mark each field with one message. Empty when the site can be saved. The database
 * checks the same rules (sites' check constraints); this says which field and why before a
 * round trip.
 */
export function validateSite(site: SiteFields): SiteProblem[] {
  const seen = new Set<string>();
  return VALIDATIONS.flatMap((validate) => validate(site)).filter((problem) => {
    if (seen.has(problem.field)) return false;
    seen.add(problem.field);
    return true;
  });
}
