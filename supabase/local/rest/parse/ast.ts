export interface JsonStep {
  arrow: '->' | '->>';
  key: string;
}

/** A column, optionally followed by a JSON path (`data->a->>b`). */
export interface FieldRef {
  name: string;
  json: JsonStep[];
}

export type SelectItem =
  | { kind: 'star' }
  | { kind: 'column'; field: FieldRef; alias?: string; cast?: string }
  | {
      kind: 'embed';
      relation: string;
      alias?: string;
      hint?: string;
      inner: boolean;
      /** `...rel(cols)`: the embedded (to-one) row's columns become the parent's. */
      spread: boolean;
      items: SelectItem[];
    };

export const OPERATORS = [
  'eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'like', 'ilike', 'match', 'imatch', 'is', 'isdistinct', 'in',
  'cs', 'cd', 'ov', 'sl', 'sr', 'nxl', 'nxr', 'adj', 'fts', 'plfts', 'phfts', 'wfts',
] as const;
export type Operator = (typeof OPERATORS)[number];

export interface Condition {
  kind: 'cond';
  field: FieldRef;
  negate: boolean;
  op: Operator;
  /** `(any)` / `(all)` modifier of the comparison and pattern operators. */
  quantifier?: 'any' | 'all';
  /** Text-search configuration of the fts operators, e.g. `english`. */
  config?: string;
  value: string;
  /** The elements of an `in.(…)` list. */
  list?: string[];
}

export interface LogicTree {
  kind: 'and' | 'or';
  negate: boolean;
  children: Filter[];
}

export type Filter = Condition | LogicTree;

export interface OrderTerm {
  field: FieldRef;
  desc: boolean;
  nulls?: 'first' | 'last';
}
