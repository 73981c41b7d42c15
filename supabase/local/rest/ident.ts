/**
 * Quotes an identifier for SQL. Callers only pass names already checked against the catalog;
 * quoting is the second line of defence, so even an unchecked name can never close the quote.
 */
export function quoteIdent(name: string): string {
  if (name.includes('\0')) throw new Error('identifier contains NUL');
  return `"${name.replace(/"/g, '""')}"`;
}

export const qualified = (schema: string, name: string) => `${quoteIdent(schema)}.${quoteIdent(name)}`;

/** Collects bound parameters; `add` returns the placeholder to put into the SQL text. */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
