import type { TestStack } from './stack.ts';

/** Creates a confirmed user through the Auth admin API; `appMetadata` is sent only when given. */
export async function createUser(
  stack: TestStack,
  email: string,
  password: string,
  appMetadata?: Record<string, unknown>,
): Promise<string> {
  const admin = stack.client({ key: stack.serviceKey });
  const { data, error } = await admin.auth.admin.createUser({
    email,
    password,
    email_confirm: true,
    ...(appMetadata ? { app_metadata: appMetadata } : {}),
  });
  if (error || !data.user) throw error ?? new Error('no user');
  return data.user.id;
}
