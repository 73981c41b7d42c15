import { inject } from 'vitest';
import { loadKeys } from '../../../supabase/local/keys.ts';
import { buildApp } from './app-build.ts';

/** The app built for the browser suite, with the anon key of the test template every test stack copies. */
export async function buildAppForTests(): Promise<string> {
  const { anonKey } = await loadKeys(inject('stackTemplate'));
  return buildApp({ anonKey });
}
