/**
 * Where a view's columns come from: the stored rewrite rule (`pg_rewrite.ev_action`, a
 * pg_node_tree) names, for every output column that is a plain column reference, the table
 * and column it was taken from (`resorigtbl` / `resorigcol`). That is what PostgREST reads to
 * let views take part in embedding, so the local stack reads the same fields.
 */

type NodeValue = string | null | NodeValue[] | TreeNode;

interface TreeNode {
  type: string;
  fields: Map<string, NodeValue[]>;
}

/** Splits node-tree text into tokens the way Postgres's own reader does (backslash escapes the next character). */
function tokenize(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\n' || c === '\t') {
      i++;
    } else if (c === '(' || c === ')' || c === '{' || c === '}') {
      out.push(c);
      i++;
    } else {
      let token = '';
      while (i < text.length && !' \n\t(){}'.includes(text[i])) {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        token += text[i++];
      }
      out.push(token);
    }
  }
  return out;
}

class NodeReader {
  private pos = 0;

  constructor(private readonly tokens: string[]) {}

  value(): NodeValue {
    const token = this.tokens[this.pos++];
    if (token === '{') return this.node();
    if (token === '(') {
      const items: NodeValue[] = [];
      while (this.pos < this.tokens.length && this.tokens[this.pos] !== ')') items.push(this.value());
      this.pos++;
      return items;
    }
    return token === '<>' ? null : token;
  }

  private node(): TreeNode {
    const node: TreeNode = { type: this.tokens[this.pos++], fields: new Map() };
    // A field's value may span several tokens (a datum is `4 [ 1 0 0 0 ]`): everything up to the next `:field`.
    let values: NodeValue[] | null = null;
    while (this.pos < this.tokens.length && this.tokens[this.pos] !== '}') {
      const token = this.tokens[this.pos];
      if (token.startsWith(':')) {
        values = [];
        node.fields.set(token.slice(1), values);
        this.pos++;
      } else {
        const v = this.value();
        values?.push(v);
      }
    }
    this.pos++;
    return node;
  }
}

const isNode = (v: NodeValue | undefined): v is TreeNode =>
  v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);

/** One output column of a view and the table column it is a plain reference to (table `0` when it is an expression). */
export interface ViewColumnOrigin {
  /** attnum of the view column. */
  column: number;
  tableOid: string;
  tableColumn: number;
}

/** The origins of a view's output columns, read from its `_RETURN` rule; empty when the text is not understood. */
export function viewColumnOrigins(evAction: string): ViewColumnOrigin[] {
  const root = new NodeReader(tokenize(evAction)).value();
  const query = Array.isArray(root) ? root[0] : root;
  if (!isNode(query)) return [];
  const list = query.fields.get('targetList')?.[0];
  if (!Array.isArray(list)) return [];
  const out: ViewColumnOrigin[] = [];
  for (const entry of list) {
    if (!isNode(entry)) continue;
    const field = (name: string) => entry.fields.get(name)?.[0];
    if (field('resjunk') === 'true') continue;
    out.push({
      column: Number(field('resno')),
      tableOid: String(field('resorigtbl') ?? '0'),
      tableColumn: Number(field('resorigcol') ?? 0),
    });
  }
  return out;
}
