import type { ServerResponse } from 'node:http';
import { sendJson } from '../http/respond.ts';

export const API_VERSION = '2024-01-01';

/**
 * An Auth error in GoTrue's 2024-01-01 shape. auth-js reads `code` only when the response
 * carries the `X-Supabase-Api-Version` header, so every error response sets it.
 */
export class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function sendAuthError(res: ServerResponse, e: AuthError): void {
  sendJson(res, e.status, { code: e.code, message: e.message, ...e.extra }, { 'X-Supabase-Api-Version': API_VERSION, 'X-Sb-Error-Code': e.code });
}

export const invalidCredentials = () => new AuthError(400, 'invalid_credentials', 'Invalid login credentials');
export const validationFailed = (message: string) => new AuthError(400, 'validation_failed', message);
export const badJwt = (message: string) => new AuthError(403, 'bad_jwt', message);
