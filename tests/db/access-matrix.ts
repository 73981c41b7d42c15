import type { Actor } from './impersonate.ts';

/**
 * Who may read and write each table: the expectations of the RLS matrix, independent of the
 * dataset, so a test through another door (REST, Realtime) can check the same matrix.
 * `where` is a SQL predicate on the table that selects the rows the actor sees.
 */
export type Visibility = 'all' | 'none' | 'refused' | { where: string };

export interface Access {
  read: Visibility;
  /** insert, update and delete alike */
  write: boolean;
}

export const APP_TABLES = [
  'districts',
  'compounds',
  'roads',
  'zones',
  'zone_revisions',
  'zone_drafts',
  'sites',
  'deliveries',
  'delivery_stops',
] as const;
export type AppTable = (typeof APP_TABLES)[number];

const PUBLIC_READS: Record<AppTable, Visibility> = {
  districts: 'all',
  compounds: 'all',
  roads: 'all',
  zones: { where: `status = 'active'` },
  zone_revisions: { where: `"row" ->> 'status' in ('active', 'lifted')` },
  // what may be sealed next: no grant to the public at all
  zone_drafts: 'refused',
  sites: { where: `kind in ('testing_site', 'mobile_testing', 'checkpoint')` },
  deliveries: 'refused',
  delivery_stops: 'refused',
};

const WRITERS: Record<AppTable, Actor[]> = {
  districts: ['service_role'],
  compounds: ['service_role'],
  roads: ['service_role'],
  zones: ['commander', 'service_role'],
  zone_revisions: ['service_role'],
  zone_drafts: ['commander', 'service_role'],
  sites: ['commander', 'service_role'],
  deliveries: ['dispatcher', 'service_role'],
  delivery_stops: ['dispatcher', 'service_role'],
};

/** Tables staff read only as commanders: dispatchers see no row of them. */
const COMMANDER_ONLY: readonly AppTable[] = ['zone_drafts'];

function readOf(table: AppTable, actor: Actor): Visibility {
  if (actor === 'anon') return PUBLIC_READS[table];
  // a signed-in account without a staff role sees nothing (column grants cannot follow claims)
  if (actor === 'authenticated') return 'none';
  if (actor === 'dispatcher' && COMMANDER_ONLY.includes(table)) return 'none';
  return 'all';
}

export const ACCESS: Record<AppTable, Record<Actor, Access>> = Object.fromEntries(
  APP_TABLES.map((table) => [
    table,
    Object.fromEntries(
      (['anon', 'authenticated', 'dispatcher', 'commander', 'service_role'] as const).map((actor) => [
        actor,
        { read: readOf(table, actor), write: WRITERS[table].includes(actor) },
      ]),
    ),
  ]),
) as Record<AppTable, Record<Actor, Access>>;

/**
 * The headquarters tables (…001500 to …002000), whose matrix tests/db/hq-operations.test.ts checks.
 * They differ in what may be written, so each operation has its own answer: revisions are written
 * by trigger only, the zone rules are one row that commanders update, decisions are records that
 * commanders insert and nobody changes. Staff (commanders and dispatchers) read all of them; the
 * public has no grant at all (anon: 'refused'), a signed-in user without a staff role sees nothing.
 */
export const HQ_TABLES = [
  'site_revisions',
  'mobile_team_enterprises',
  'case_reports',
  'case_report_revisions',
  'zone_rules',
  'zone_proposal_decisions',
] as const;
export type HqTable = (typeof HQ_TABLES)[number];

export interface HqAccess {
  read: Visibility;
  insert: boolean;
  update: boolean;
  delete: boolean;
}

const HQ_COMMANDER_WRITES: Record<HqTable, { insert: boolean; update: boolean; delete: boolean }> = {
  site_revisions: { insert: false, update: false, delete: false },
  mobile_team_enterprises: { insert: true, update: true, delete: true },
  case_reports: { insert: true, update: true, delete: true },
  case_report_revisions: { insert: false, update: false, delete: false },
  zone_rules: { insert: false, update: true, delete: false },
  zone_proposal_decisions: { insert: true, update: false, delete: false },
};

function hqAccess(table: HqTable, actor: Actor): HqAccess {
  const none = { insert: false, update: false, delete: false };
  switch (actor) {
    case 'anon':
      return { read: 'refused', ...none };
    case 'authenticated':
      return { read: 'none', ...none };
    case 'dispatcher':
      return { read: 'all', ...none };
    case 'commander':
      return { read: 'all', ...HQ_COMMANDER_WRITES[table] };
    case 'service_role':
      // repairs and imports: every grant, RLS bypassed
      return { read: 'all', insert: true, update: true, delete: true };
  }
}

export const HQ_ACCESS: Record<HqTable, Record<Actor, HqAccess>> = Object.fromEntries(
  HQ_TABLES.map((table) => [
    table,
    Object.fromEntries(
      (['anon', 'authenticated', 'dispatcher', 'commander', 'service_role'] as const).map((actor) => [
        actor,
        hqAccess(table, actor),
      ]),
    ),
  ]),
) as Record<HqTable, Record<Actor, HqAccess>>;
