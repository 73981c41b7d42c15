import { RestError } from '../errors.ts';
import { Params, quoteIdent } from '../ident.ts';
import type { FieldRef } from '../parse/ast.ts';
import type { QueryModel, ResourceOptions } from '../parse/query.ts';
import type { Column, SchemaInfo } from '../schema-cache.ts';

/** A relation as one SQL query block sees it: its alias and the columns it may name. */
export interface Target {
  /** Name used in error messages (`column todos.x does not exist`). */
  label: string;
  /**
   * The name relationships are looked up under for embedding: the table or view, or what
   * PostgREST uses for a function's result (DbFunction.resultRelation).
   */
  origin: string;
  alias: string;
  columns: Map<string, Column>;
  columnList: Column[];
  /** Dotted embed path of this resource (`''` for the root) to find its filters / order / paging. */
  path: string;
  /** Embedding depth: 0 for the root, 1 for what it embeds, and so on. */
  depth: number;
}

/** Everything one statement build shares: catalog, bound parameters, alias numbering, resolved casts. */
export class Scope {
  readonly params = new Params();
  private aliases = 0;

  constructor(
    readonly info: SchemaInfo,
    readonly model: QueryModel,
    /** User cast names resolved to `format_type` output (see resolveCasts). */
    readonly casts: Map<string, string>,
  ) {}

  nextAlias(): string {
    this.aliases += 1;
    return `"pgrst_${this.aliases}"`;
  }

  private usedPaths = new Set<string>(['']);

  options(path: string): ResourceOptions {
    this.usedPaths.add(path);
    return this.model.resources.get(path) ?? { filters: [], order: [] };
  }

  private repeatedEmbed: string | null = null;

  /**
   * PostgREST joins each embed under the name `<origin>_<key>_<depth>`, so two embeds with the
   * same key in one resource make Postgres refuse the statement (42712); noted while building,
   * reported by finish() after the planning errors PostgREST would report first.
   */
  noteEmbedName(name: string, seen: Set<string>): void {
    if (seen.has(name)) this.repeatedEmbed ??= name;
    seen.add(name);
  }

  /** Checks what can only be judged once the whole statement is built. */
  finish(): void {
    for (const path of this.model.resources.keys()) {
      if (!this.usedPaths.has(path)) {
        throw new RestError(
          400,
          'PGRST108',
          `'${path}' is not an embedded resource in this request`,
          null,
          `Verify that '${path}' is included in the 'select' query parameter.`,
        );
      }
    }
    if (this.repeatedEmbed !== null)
      throw new RestError(400, '42712', `table name "${this.repeatedEmbed}" specified more than once`);
  }

  column(target: Target, name: string): Column {
    const col = target.columns.get(name);
    if (!col) throw new RestError(400, '42703', `column ${target.label}.${name} does not exist`);
    return col;
  }

  /** The SQL for a column plus JSON path; path keys are bound parameters. */
  fieldSql(target: Target, field: FieldRef): { sql: string; column: Column } {
    const column = this.column(target, field.name);
    let sql = `${target.alias}.${quoteIdent(field.name)}`;
    for (const step of field.json) {
      const key = /^-?\d+$/.test(step.key)
        ? `${this.params.add(Number(step.key))}::int`
        : `${this.params.add(step.key)}::text`;
      sql = `(${sql}${step.arrow}${key})`;
    }
    return { sql, column };
  }
}

export function tableTarget(info: SchemaInfo, table: string, alias: string, path: string, depth = 0): Target {
  const rel = info.relations.get(table);
  if (!rel)
    throw new RestError(404, 'PGRST205', `Could not find the table '${info.schema}.${table}' in the schema cache`);
  return { label: table, origin: table, alias, columns: rel.columns, columnList: rel.columnList, path, depth };
}
