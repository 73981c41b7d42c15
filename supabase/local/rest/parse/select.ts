import type { SelectItem } from './ast.ts';
import { Cursor } from './cursor.ts';

const AGGREGATES = new Set(['count', 'sum', 'avg', 'min', 'max']);
const CAST = /^[A-Za-z_][A-Za-z0-9_ ]*(\[\])?/;

/** Parses a PostgREST `select` value: columns, `alias:col`, `::cast`, JSON paths and `rel!hint(…)` embeds. */
export function parseSelect(text: string): SelectItem[] {
  const c = new Cursor(text, 'select');
  const items = list(c);
  c.skipSpace();
  if (!c.done) throw c.fail('unexpected input');
  return items;
}

function list(c: Cursor): SelectItem[] {
  const items: SelectItem[] = [];
  c.skipSpace();
  if (c.done || c.peek(')')) return items;
  for (;;) {
    items.push(item(c));
    c.skipSpace();
    if (!c.eat(',')) return items;
  }
}

function item(c: Cursor): SelectItem {
  c.skipSpace();
  if (c.eat('*')) return { kind: 'star' };
  if (c.eat('...')) {
    const relation = c.name();
    if (!c.peek('!') && !c.peek('(')) throw c.fail('"..." must be followed by an embedded resource');
    return embed(c, relation, undefined, true);
  }
  let alias: string | undefined;
  let start = c.pos;
  let name = c.name();
  c.skipSpace();
  if (c.peek(':') && !c.peek('::')) {
    c.eat(':');
    c.skipSpace();
    alias = name;
    start = c.pos;
    name = c.name();
  }
  if (c.peek('(') && AGGREGATES.has(name.toLowerCase())) throw c.fail('aggregate functions are not supported');
  if (c.peek('!') || c.peek('(')) return embed(c, name, alias, false);
  c.pos = start;
  return column(c, alias);
}

function column(c: Cursor, alias: string | undefined): SelectItem {
  const field = c.field();
  let cast: string | undefined;
  if (c.peek('.')) throw c.fail('aggregate functions are not supported');
  if (c.eat('::')) {
    const m = CAST.exec(c.text.slice(c.pos));
    if (!m) throw c.fail('expected a type name after "::"');
    cast = m[0].trim();
    c.pos += m[0].length;
  }
  return { kind: 'column', field, alias, cast };
}

function embed(c: Cursor, relation: string, alias: string | undefined, spread: boolean): SelectItem {
  let hint: string | undefined;
  let inner = false;
  while (c.eat('!')) {
    const h = c.name();
    if (h === 'inner') inner = true;
    else if (h === 'left') inner = false;
    else if (hint === undefined) hint = h;
    else throw c.fail('more than one relationship hint');
  }
  c.expect('(');
  const items = list(c);
  c.skipSpace();
  c.expect(')');
  return { kind: 'embed', relation, alias, hint, inner, spread, items };
}
