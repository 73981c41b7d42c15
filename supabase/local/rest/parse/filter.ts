import { OPERATORS, type Condition, type FieldRef, type Filter, type LogicTree, type Operator, type OrderTerm } from './ast.ts';
import { Cursor } from './cursor.ts';

const QUANTIFIABLE = new Set<Operator>(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'like', 'ilike', 'match', 'imatch']);
const FTS = new Set<Operator>(['fts', 'plfts', 'phfts', 'wfts']);
const IS_VALUES = new Set(['null', 'not_null', 'true', 'false', 'unknown']);

type Operation = Omit<Condition, 'kind' | 'field'>;

/** Parses a filter parameter's value (`[not.]op[(mod)].value`) for the column in its key. */
export function parseFilter(field: FieldRef, text: string): Condition {
  const c = new Cursor(text, 'filter');
  const operation = parseOperation(c, false);
  return { kind: 'cond', field, ...operation };
}

/** Parses the field part of a filter key such as `title` or `data->>kind`. */
export function parseField(text: string, what = 'filter'): FieldRef {
  const c = new Cursor(text, what);
  const field = c.field();
  if (!c.done) throw c.fail('unexpected input after the column');
  return field;
}

/** Parses the value of `or=`, `and=`, `not.or=`, `not.and=`: a parenthesised list of conditions and nested trees. */
export function parseLogicTree(kind: 'and' | 'or', negate: boolean, text: string): LogicTree {
  const c = new Cursor(text, 'logic tree');
  const tree = treeBody(c, kind, negate);
  if (!c.done) throw c.fail('unexpected input after the closing parenthesis');
  return tree;
}

function treeBody(c: Cursor, kind: 'and' | 'or', negate: boolean): LogicTree {
  c.expect('(');
  const children: Filter[] = [];
  for (;;) {
    children.push(treeItem(c));
    if (c.eat(')')) return { kind, negate, children };
    c.expect(',');
  }
}

function treeItem(c: Cursor): Filter {
  for (const [prefix, kind, negate] of [
    ['not.and(', 'and', true],
    ['not.or(', 'or', true],
    ['and(', 'and', false],
    ['or(', 'or', false],
  ] as const) {
    if (c.peek(prefix)) {
      c.pos += prefix.length - 1;
      return treeBody(c, kind, negate);
    }
  }
  const field = c.field();
  c.expect('.');
  return { kind: 'cond', field, ...parseOperation(c, true) };
}

function parseOperation(c: Cursor, inTree: boolean): Operation {
  const negate = c.eat('not.');
  const m = /^[a-z]+/.exec(c.text.slice(c.pos));
  const op = m?.[0] as Operator | undefined;
  if (!op || !(OPERATORS as readonly string[]).includes(op)) throw c.fail('unknown operator');
  c.pos += op.length;
  const result: Operation = { negate, op, value: '' };
  if (c.eat('(')) {
    const modifier = c.name();
    c.expect(')');
    if (FTS.has(op)) result.config = modifier;
    else if (QUANTIFIABLE.has(op) && (modifier === 'any' || modifier === 'all')) result.quantifier = modifier;
    else throw c.fail(`modifier "${modifier}" is not valid for operator "${op}"`);
  }
  c.expect('.');
  if (op === 'in') {
    result.list = parseList(c);
    result.value = '';
  } else {
    result.value = inTree ? treeValue(c) : c.text.slice(c.pos);
    if (!inTree) c.pos = c.text.length;
  }
  if (op === 'is' && !IS_VALUES.has(result.value.toLowerCase())) {
    throw c.fail('"is" takes null, not_null, true, false or unknown');
  }
  if (!inTree && !c.done) throw c.fail('unexpected input after the value');
  return result;
}

/** `(a,"b,c",d)`: elements separated by commas; double quotes protect `,` `(` `)`. */
function parseList(c: Cursor): string[] {
  c.expect('(');
  const items: string[] = [];
  if (c.eat(')')) return items;
  for (;;) {
    if (c.eat('"')) items.push(c.quoted());
    else {
      const start = c.pos;
      while (!c.done && c.text[c.pos] !== ',' && c.text[c.pos] !== ')') c.pos++;
      items.push(c.text.slice(start, c.pos));
    }
    if (c.eat(')')) return items;
    c.expect(',');
  }
}

/** A value inside a logic tree: quoted, or up to the next `,` / `)` outside brackets. */
function treeValue(c: Cursor): string {
  if (c.eat('"')) return c.quoted();
  const start = c.pos;
  let depth = 0;
  while (!c.done) {
    const ch = c.text[c.pos];
    if (ch === '(' || ch === '{' || ch === '[') depth++;
    else if (ch === ')' || ch === '}' || ch === ']') {
      if (depth === 0) break;
      depth--;
    } else if (ch === ',' && depth === 0) break;
    c.pos++;
  }
  return c.text.slice(start, c.pos);
}

/** Parses `order`: `col[.asc|.desc][.nullsfirst|.nullslast]`, comma-separated. */
export function parseOrder(text: string): OrderTerm[] {
  const c = new Cursor(text, 'order');
  const terms: OrderTerm[] = [];
  for (;;) {
    const field = c.field();
    if (c.peek('(')) throw c.fail('ordering by an embedded resource is not supported');
    const term: OrderTerm = { field, desc: false };
    while (c.eat('.')) {
      const word = c.name();
      if (word === 'asc') term.desc = false;
      else if (word === 'desc') term.desc = true;
      else if (word === 'nullsfirst') term.nulls = 'first';
      else if (word === 'nullslast') term.nulls = 'last';
      else throw c.fail(`unknown order modifier "${word}"`);
    }
    terms.push(term);
    if (c.done) return terms;
    c.expect(',');
  }
}
