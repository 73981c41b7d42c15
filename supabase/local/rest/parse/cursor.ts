import { parseError } from '../errors.ts';
import type { FieldRef, JsonStep } from './ast.ts';

const NAME_CHAR = /[A-Za-z0-9_$\u0080-\uFFFF]/;

/** A position in a query-string value, with the token readers the PostgREST grammars share. */
export class Cursor {
  pos = 0;

  constructor(
    readonly text: string,
    readonly what: string,
  ) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  peek(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }

  eat(s: string): boolean {
    if (!this.peek(s)) return false;
    this.pos += s.length;
    return true;
  }

  expect(s: string): void {
    if (!this.eat(s)) throw this.fail(`expected "${s}"`);
  }

  skipSpace(): void {
    while (!this.done && /\s/.test(this.text[this.pos])) this.pos++;
  }

  fail(reason: string): Error {
    const found = this.done ? 'end of input' : `"${this.text.slice(this.pos, this.pos + 12)}"`;
    return parseError(`failed to parse ${this.what} (${this.text})`, `${reason} at position ${this.pos + 1}, found ${found}`);
  }

  /** An identifier: a run of letters, digits, `_` and `$` (any non-ASCII letter too), or a double-quoted name. */
  name(): string {
    if (this.eat('"')) return this.quoted();
    const start = this.pos;
    while (!this.done && NAME_CHAR.test(this.text[this.pos])) this.pos++;
    if (this.pos === start) throw this.fail('expected a name');
    return this.text.slice(start, this.pos);
  }

  /** The rest of a double-quoted string after its opening quote; a backslash escapes the next character. */
  quoted(): string {
    let out = '';
    while (!this.done) {
      const c = this.text[this.pos++];
      if (c === '\\' && !this.done) out += this.text[this.pos++];
      else if (c === '"') return out;
      else out += c;
    }
    throw this.fail('unterminated quoted string');
  }

  private jsonKey(): string {
    if (this.eat('"')) return this.quoted();
    const negative = this.eat('-') ? '-' : '';
    return negative + this.name();
  }

  /** A column name followed by any `->` / `->>` steps. */
  field(): FieldRef {
    const name = this.name();
    const json: JsonStep[] = [];
    for (;;) {
      let arrow: JsonStep['arrow'];
      if (this.eat('->>')) arrow = '->>';
      else if (this.eat('->')) arrow = '->';
      else break;
      json.push({ arrow, key: this.jsonKey() });
    }
    return { name, json };
  }
}
