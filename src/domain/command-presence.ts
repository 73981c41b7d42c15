/** Presence on the commanders' `command` channel: what each tracks, and who is online. */

/** What each commander tracks on the channel: who, online since when, which zone is open. */
export interface CommanderMeta {
  user_id: string;
  email: string;
  /** ISO time the commander opened the command view. */
  since: string;
  /** Id of the zone the commander has open, or null. */
  editing: string | null;
}

/** One commander online: several tabs of one account are one entry. */
export interface OnlineCommander {
  user_id: string;
  email: string;
  /** The earliest of the tabs' times. */
  since: string;
  /** Zones open in any of the commander's tabs, each once. */
  editing: string[];
}

function isMeta(value: unknown): value is CommanderMeta {
  if (!value || typeof value !== 'object') return false;
  const m = value as Record<string, unknown>;
  return (
    typeof m.user_id === 'string' &&
    typeof m.email === 'string' &&
    typeof m.since === 'string' &&
    (m.editing === null || typeof m.editing === 'string')
  );
}

/**
 * Presence state (key = user id, one meta per tab) to one entry per commander, sorted by email.
 * Metas of another shape (an older or newer client) are skipped.
 */
export function onlineCommanders(state: Record<string, unknown[]>): OnlineCommander[] {
  const out: OnlineCommander[] = [];
  for (const metas of Object.values(state)) {
    const valid = metas.filter(isMeta);
    if (valid.length === 0) continue;
    const since = valid.reduce((first, m) => (m.since < first ? m.since : first), valid[0].since);
    const editing = [...new Set(valid.flatMap((m) => (m.editing ? [m.editing] : [])))];
    out.push({ user_id: valid[0].user_id, email: valid[0].email, since, editing });
  }
  return out.sort((a, b) => a.email.localeCompare(b.email));
}
