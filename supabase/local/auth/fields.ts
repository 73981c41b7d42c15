/** A JSON request body; GoTrue ignores fields it does not know. */
export type Body = Record<string, unknown>;

/** The value when it is a string; anything else counts as absent. */
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The value when it is a plain JSON object; anything else counts as absent. */
export const obj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
