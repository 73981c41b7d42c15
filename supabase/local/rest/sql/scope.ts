import { RestError } from '../errors.ts';
import { Params, quoteIdent } from '../ident.ts';
import type { FieldRef } from '../parse/ast.ts';
import type { QueryModel, ResourceOptions } from '../parse/query.ts';
import type { Column, SchemaInfo } from '../schema-cache.ts';

/** A relation as one SQL query block sees it: its alias and the columns it may name. */
export interface Target {
  /** Name used in error messages (`column todos.x does not exist`). */
  label: string;
  /** Table name when the target is a table of the schema (embedding needs it), else null. */
  table: string | null;
  alias: string;
  columns: Map<string, Column>;
  columnList: Column[];
  /** Dotted embed path of this resource (`''` for the root) to find its filters / order / paging. */
  path: string;
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

  /** Filters or order given for an embed that the select list does not have are an error, not ignored. */
  checkAllResourcesUsed(): void {
    for (const path of this.model.resources.keys()) {
      if (!this.usedPaths.has(path)) {
        throw new RestError(400, 'PGRST108', `'${path}' is not an embedded resource in this request`, null, `Verify that '${path}' is included in the 'select' query parameter.`);
      }
    }
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
      const key = /^-?\d+$/.test(step.key) ? `${this.params.add(Number(step.key))}::int` : `${this.params.add(step.key)}::text`;
      sql = `(${sql}${step.arrow}${key})`;
    }
    return { sql, column };
  }
}

export function tableTarget(info: SchemaInfo, table: string, alias: string, path: string): Target {
  const rel = info.relations.get(table);
  if (!rel) throw new RestError(404, 'PGRST205', `Could not find the table '${info.schema}.${table}' in the schema cache`);
  return { label: table, table, alias, columns: rel.columns, columnList: rel.columnList, path };
}
