import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

it('answers an Auth health check behind the API key', async () => {
  const res = await fetch(`${stack.url}/auth/v1/health`, { headers: { apikey: stack.anonKey } });
  expect(res.status).toBe(200);
});
