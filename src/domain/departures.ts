import type { Change, RemoveReason } from './change.ts';
import type { PublicZoneRevisionRow } from './rows.ts';

/**
 * Why rows left a live collection, by id, where their remove said (a zone's broadcast): kept
 * while the row stays away, so that what is said about it (the live region, the card kept open)
 * can tell a lifting from a zone taken back.
 */
export type Departures = ReadonlyMap<string, RemoveReason>;

/** No row has left (yet). */
export const NO_DEPARTURES: Departures = new Map();

/**
 * The departures after a change: a remove records its reason, or forgets an older one when it
 * gives none (the reason is then unknown); an upsert brings the row back and forgets it. The
 * same map when nothing changed, so a `$state.raw` holder sees a new one only on a real change.
 */
export function noteDeparture(departures: Departures, change: Change<{ id: string }>): Departures {
  const id = change.op === 'remove' ? change.id : change.row.id;
  const reason = change.op === 'remove' ? change.reason : undefined;
  if (departures.get(id) === reason) return departures;
  const next = new Map(departures);
  if (reason) next.set(id, reason);
  else next.delete(id);
  return next;
}

/** The departures without the rows held again after a whole read or a re-read. */
export function forgetReturned(departures: Departures, rows: readonly { id: string }[]): Departures {
  if (!rows.some((row) => departures.has(row.id))) return departures;
  const next = new Map(departures);
  for (const row of rows) next.delete(row.id);
  return next;
}

/** The departures with more of them (a whole read's, `departuresFromRevisions`); the same map when none. */
export function withDepartures(departures: Departures, more: Departures): Departures {
  return more.size ? new Map([...departures, ...more]) : departures;
}

/**
 * Whether a zone that left the map is said to be lifted: when its remove said so, or said nothing
 * (a server older than the reason, a re-read of the whole map), where the map keeps the wording
 * it had before removes gave a reason. Any other reason, known or not, is said neutrally.
 */
export function saysLifted(reason: string | undefined): boolean {
  return reason === undefined || reason === 'lifted';
}

/**
 * Why a zone left the public map, from its row as staff read it (every status): no row is a
 * deletion, `lifted` a lifting, any other status but `active` a return to draft (withdrawn);
 * an active zone did not leave.
 */
export function zoneStatusDeparture(status: string | null): RemoveReason | undefined {
  if (status === null) return 'deleted';
  if (status === 'active') return undefined;
  return status === 'lifted' ? 'lifted' : 'withdrawn';
}

/** What `departuresFromRevisions` reads of a public revision. */
export type DepartureFacts = Pick<PublicZoneRevisionRow, 'zone_id' | 'version' | 'op' | 'public_row'>;

/**
 * Why zones left the map between two whole reads (a reconnection, a skipped number), from the
 * publication's public revisions (its changes file). A zone's latest one there is its deletion
 * (deleted) or its lifting (lifted); one still showing it means what took it off is no public
 * revision: a return to draft (withdrawn). A zone with none there was withdrawn too when the file
 * `covers` every change since the state held (a lifting is always a public revision), and is
 * otherwise left out: unknown, said as before.
 */
export function departuresFromRevisions(
  ids: Iterable<string>,
  revisions: readonly DepartureFacts[],
  covers: boolean,
): Departures {
  const latest = new Map<string, DepartureFacts>();
  for (const revision of revisions) {
    const held = latest.get(revision.zone_id);
    if (!held || revision.version > held.version) latest.set(revision.zone_id, revision);
  }
  const departures = new Map<string, RemoveReason>();
  for (const id of ids) {
    const revision = latest.get(id);
    if (revision?.op === 'DELETE') departures.set(id, 'deleted');
    else if (revision?.public_row?.status === 'lifted') departures.set(id, 'lifted');
    else if (revision || covers) departures.set(id, 'withdrawn');
  }
  return departures;
}
