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
