import { decodeJwt } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS } from '../../supabase/seed/seed.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

it.each(DEMO_USERS.map((u) => [u.email, u.role]))('signs in the seeded demo user %s with app_metadata.role %s', async (email, role) => {
  const c = await stack.signIn(email, DEMO_PASSWORD);
  const session = (await c.auth.getSession()).data.session!;
  expect((decodeJwt(session.access_token).app_metadata as Record<string, unknown>).role).toBe(role);
  expect(session.user.app_metadata.role).toBe(role);
  const { data } = await c.auth.getUser();
  expect(data.user!.email).toBe(email);
});

it('keeps the demo users to the documented accounts', () => {
  expect(DEMO_USERS.map((u) => u.email).sort()).toEqual(['commander@demo.local', 'dispatcher@demo.local']);
});
