import type { SupabaseClient } from '@supabase/supabase-js';
import { RPC_ERRORS, type VersionConflictDetails } from '../domain/rows.ts';

/**
 * What every write over an RPC resolves to (zone-writes.ts, delivery-writes.ts): the saved row,
 * or why not. Never a throw for what the server refuses.
 *
 * - `conflict`: someone changed it first (PT409, HTTP 409). `currentVersion` is `details.current_version`
 *   when that is a number; `details` is the PT409's DETAIL parsed as JSON (`D` says its shape).
 * - `invalid`: the input was refused (PT400, a check constraint, a malformed request).
 * - `denied`: the caller may not (42501, HTTP 401/403).
 * - `not_found`: no such row (PT404).
 * - `network`: no answer (offline, timeout, aborted) or a server failure (5xx).
 */
export type WriteResult<R, D = VersionConflictDetails> =
  | { ok: true; row: R }
  | { ok: false; kind: 'conflict'; currentVersion?: number; message: string; details?: D }
  | { ok: false; kind: 'invalid' | 'denied' | 'not_found' | 'network'; message: string };

export type WriteFailure<D = VersionConflictDetails> = Exclude<WriteResult<never, D>, { ok: true }>;

/** What supabase-js answers for a failed request (PostgrestError plus the HTTP status; 0 when there was no answer). */
export interface ErrorReply {
  error: { code?: string; message?: string; details?: string | null; hint?: string | null } | null;
  status: number;
}

function parseDetails<D>(details: string | null | undefined): D | undefined {
  if (!details) return undefined;
  try {
    const parsed: unknown = JSON.parse(details);
    return parsed !== null && typeof parsed === 'object' ? (parsed as D) : undefined;
  } catch {
    return undefined;
  }
}

/** Sorts a failed reply into the kinds callers act on. */
export function toWriteFailure<D = VersionConflictDetails>({ error, status }: ErrorReply): WriteFailure<D> {
  const code = error?.code ?? '';
  const message = [error?.message || `request failed (HTTP ${status})`, error?.hint].filter(Boolean).join(': ');
  if (code === RPC_ERRORS.versionConflict || status === 409) {
    const details = parseDetails<D>(error?.details);
    const current = (details as { current_version?: unknown } | undefined)?.current_version;
    return typeof current === 'number'
      ? { ok: false, kind: 'conflict', currentVersion: current, message, details }
      : { ok: false, kind: 'conflict', message, details };
  }
  if (code === RPC_ERRORS.notFound) return { ok: false, kind: 'not_found', message };
  if (code === '42501' || status === 401 || status === 403) return { ok: false, kind: 'denied', message };
  if (status === 0 || status >= 500) return { ok: false, kind: 'network', message };
  // PT400, check and not-null constraints (23xxx), bad values (22xxx), malformed requests (PGRSTxxx, 4xx)
  return { ok: false, kind: 'invalid', message };
}

/** Calls an RPC and answers its result as a WriteResult. `client` is a getter (the app's is `supabase`). */
export async function callWrite<R, D = VersionConflictDetails>(
  fn: string,
  args: Record<string, unknown>,
  client: () => SupabaseClient,
): Promise<WriteResult<R, D>> {
  try {
    const { data, error, status } = await client().rpc(fn, args);
    if (error) return toWriteFailure<D>({ error, status });
    return { ok: true, row: data as R };
  } catch (e) {
    // supabase-js reports fetch failures in `error`; this catches a client that cannot even be made
    return { ok: false, kind: 'network', message: e instanceof Error ? e.message : String(e) };
  }
}
