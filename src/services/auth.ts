import type { Session } from '@supabase/supabase-js';
import { loadSupabase } from './load-supabase.ts';

export const STAFF_ROLES = ['commander', 'dispatcher'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Who is signed in, as the app needs it. */
export interface SignedInUser {
  id: string;
  email: string;
  /** `app_metadata.role` of the JWT: what RLS decides on. */
  role: StaffRole | null;
}

export function userOf(session: Session | null): SignedInUser | null {
  if (!session) return null;
  const role = session.user.app_metadata?.role;
  return {
    id: session.user.id,
    email: session.user.email ?? '',
    role: (STAFF_ROLES as readonly string[]).includes(role) ? (role as StaffRole) : null,
  };
}

/**
 * Calls back with the current user once supabase-js has read its stored session, and after every
 * sign-in, refresh and sign-out. Resolves to the teardown once the client is loaded.
 */
export async function watchUser(callback: (user: SignedInUser | null) => void): Promise<() => void> {
  const { data } = (await loadSupabase()).auth.onAuthStateChange((_event, session) => callback(userOf(session)));
  return () => data.subscription.unsubscribe();
}

export async function signIn(email: string, password: string): Promise<SignedInUser> {
  const { data, error } = await (await loadSupabase()).auth.signInWithPassword({ email, password });
  if (error) throw error;
  const user = userOf(data.session);
  if (!user) throw new Error('No session returned');
  return user;
}

export async function signOut(): Promise<void> {
  const { error } = await (await loadSupabase()).auth.signOut();
  if (error) throw error;
}
