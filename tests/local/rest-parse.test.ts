import { describe, expect, it } from 'vitest';
import { RestError } from '../../supabase/local/rest/errors.ts';
import { parseField, parseFilter, parseLogicTree, parseOrder } from '../../supabase/local/rest/parse/filter.ts';
import { parseQuery } from '../../supabase/local/rest/parse/query.ts';
import { parseSelect } from '../../supabase/local/rest/parse/select.ts';
import { parsePrefer } from '../../supabase/local/rest/headers.ts';
import { statusForSqlState } from '../../supabase/local/rest/errors.ts';
import { deriveRelationships, type ConstraintRow } from '../../supabase/local/rest/relationships.ts';
import { viewColumnOrigins } from '../../supabase/local/rest/view-columns.ts';

function rejects(fn: () => unknown, code = 'PGRST100'): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RestError);
    expect((e as RestError).code).toBe(code);
    return;
  }
  throw new Error('expected a RestError');
}

describe('select parser', () => {
  it('reads columns, aliases, casts, JSON paths and nested embeds', () => {
    expect(parseSelect('id,n:name,id::text,data->a->>b,k:data->0')).toEqual([
      { kind: 'column', field: { name: 'id', json: [] }, alias: undefined, cast: undefined },
      { kind: 'column', field: { name: 'name', json: [] }, alias: 'n', cast: undefined },
      { kind: 'column', field: { name: 'id', json: [] }, alias: undefined, cast: 'text' },
      {
        kind: 'column',
        field: {
          name: 'data',
          json: [
            { arrow: '->', key: 'a' },
            { arrow: '->>', key: 'b' },
          ],
        },
        alias: undefined,
        cast: undefined,
      },
      { kind: 'column', field: { name: 'data', json: [{ arrow: '->', key: '0' }] }, alias: 'k', cast: undefined },
    ]);
    expect(parseSelect('*,stops:delivery_stops!inner(seq,compounds!fk_c(name)),depot:sites!depot_id(*)')).toEqual([
      { kind: 'star' },
      {
        kind: 'embed',
        relation: 'delivery_stops',
        alias: 'stops',
        hint: undefined,
        inner: true,
        spread: false,
        items: [
          { kind: 'column', field: { name: 'seq', json: [] }, alias: undefined, cast: undefined },
          {
            kind: 'embed',
            relation: 'compounds',
            alias: undefined,
            hint: 'fk_c',
            inner: false,
            spread: false,
            items: [{ kind: 'column', field: { name: 'name', json: [] }, alias: undefined, cast: undefined }],
          },
        ],
      },
      {
        kind: 'embed',
        relation: 'sites',
        alias: 'depot',
        hint: 'depot_id',
        inner: false,
        spread: false,
        items: [{ kind: 'star' }],
      },
    ]);
  });

  it('reads spread embeds', () => {
    expect(parseSelect('id,...depots!depot_id(depot_name:name)')).toMatchObject([
      { kind: 'column' },
      {
        kind: 'embed',
        relation: 'depots',
        hint: 'depot_id',
        spread: true,
        items: [{ kind: 'column', alias: 'depot_name' }],
      },
    ]);
  });

  it('takes double-quoted names with any characters, and Chinese names', () => {
    expect(parseSelect('"my col","a,b"')).toMatchObject([{ field: { name: 'my col' } }, { field: { name: 'a,b' } }]);
    expect(parseSelect('名称')).toMatchObject([{ field: { name: '名称' } }]);
  });

  it('rejects what it does not support instead of guessing', () => {
    for (const bad of [
      'id,',
      'id;drop',
      '...rel',
      'x:...rel(a)',
      'count()',
      'a.sum()',
      'rel(a',
      'id::',
      'a!b!c(x)',
      '"unterminated',
      'id)',
    ])
      rejects(() => parseSelect(bad));
  });
});

describe('filter parser', () => {
  const f = parseField('title');
  it('reads operators, negation, modifiers and the value after the first dot', () => {
    expect(parseFilter(f, 'eq.a.b.c')).toMatchObject({ op: 'eq', negate: false, value: 'a.b.c' });
    expect(parseFilter(f, 'not.like.*x*')).toMatchObject({ op: 'like', negate: true, value: '*x*' });
    expect(parseFilter(f, 'like(any).{a%,b%}')).toMatchObject({ op: 'like', quantifier: 'any', value: '{a%,b%}' });
    expect(parseFilter(f, 'wfts(english).cat dog')).toMatchObject({ op: 'wfts', config: 'english', value: 'cat dog' });
    expect(parseFilter(f, 'in.(1,"a,b","q\\"x",)')).toMatchObject({ op: 'in', list: ['1', 'a,b', 'q"x', ''] });
    expect(parseFilter(f, 'is.NULL')).toMatchObject({ op: 'is', value: 'NULL' });
  });

  it('rejects unknown operators, bad modifiers, bad is-values and broken lists', () => {
    for (const bad of [
      'equals.1',
      'eq',
      'eq1',
      'is.maybe',
      'fts(any',
      'in.(1,2',
      'in.1,2',
      'in.(1)x',
      'gt(english).1',
      'not.not.eq.1',
    ])
      rejects(() => parseFilter(f, bad));
  });

  it('parses nested logic trees with quoting and brackets inside values', () => {
    const tree = parseLogicTree(
      'or',
      false,
      '(id.eq.1,and(done.is.true,id.gt.2),not.or(t.eq."a,b)",t.cs.{x,y}),t.in.(1,2))',
    );
    expect(tree.kind).toBe('or');
    expect(tree.children).toHaveLength(4);
    expect(tree.children[1]).toMatchObject({
      kind: 'and',
      negate: false,
      children: [
        { op: 'is', value: 'true' },
        { op: 'gt', value: '2' },
      ],
    });
    expect(tree.children[2]).toMatchObject({
      kind: 'or',
      negate: true,
      children: [{ value: 'a,b)' }, { op: 'cs', value: '{x,y}' }],
    });
    expect(tree.children[3]).toMatchObject({ op: 'in', list: ['1', '2'] });
    for (const bad of ['id.eq.1', '(id.eq.1', '(id.eq.1))', '(and(id.eq.1)', '()', '(id.zz.1)'])
      rejects(() => parseLogicTree('or', false, bad));
  });

  it('parses order terms with direction and null placement', () => {
    expect(parseOrder('a,b.desc.nullsfirst,data->>k.asc.nullslast')).toEqual([
      { field: { name: 'a', json: [] }, desc: false },
      { field: { name: 'b', json: [] }, desc: true, nulls: 'first' },
      { field: { name: 'data', json: [{ arrow: '->>', key: 'k' }] }, desc: false, nulls: 'last' },
    ]);
    for (const bad of ['a.up', 'a;b', 'a,', 'rel(col).desc']) rejects(() => parseOrder(bad));
  });
});

describe('query model', () => {
  it('sorts parameters into select, root and embedded filters, order and paging', () => {
    const q = parseQuery(
      new URLSearchParams(
        'select=id,stops(*)&id=gte.1&id=lt.9&or=(a.eq.1,b.eq.2)&not.and=(a.eq.1)&stops.seq=gt.1&stops.order=seq.desc&stops.limit=2&limit=5&offset=10&columns="a","b"&on_conflict=a',
      ),
    );
    const root = q.resources.get('')!;
    expect(root.filters).toHaveLength(4);
    expect(root.filters[3]).toMatchObject({ kind: 'and', negate: true });
    expect([root.limit, root.offset]).toEqual([5, 10]);
    const stops = q.resources.get('stops')!;
    expect(stops).toMatchObject({ limit: 2, order: [{ desc: true }], filters: [{ op: 'gt', value: '1' }] });
    expect(q.columns).toEqual(['a', 'b']);
    expect(q.onConflict).toEqual(['a']);
  });

  it('keeps RPC arguments apart from filters on the result', () => {
    const q = parseQuery(
      new URLSearchParams('lng=120.9&lat=31.9&level=eq.lockdown'),
      (k) => k === 'lng' || k === 'lat',
    );
    expect([...q.args]).toEqual([
      ['lng', '120.9'],
      ['lat', '31.9'],
    ]);
    expect(q.resources.get('')!.filters).toMatchObject([{ field: { name: 'level' }, op: 'eq' }]);
  });

  it('refuses a negative limit with 416 and a non-numeric one with 400', () => {
    rejects(() => parseQuery(new URLSearchParams('limit=-1')), 'PGRST103');
    rejects(() => parseQuery(new URLSearchParams('offset=x')), 'PGRST100');
  });
});

describe('headers and status mapping', () => {
  it('splits Prefer on commas and trims', () => {
    expect(parsePrefer('resolution=merge-duplicates, count=exact,return=representation , missing=default')).toEqual({
      resolution: 'merge-duplicates',
      count: 'exact',
      return: 'representation',
      missing: 'default',
      invalid: [],
    });
    expect(parsePrefer('handling=strict, max-affected=5, tx=rollback')).toMatchObject({
      handling: 'strict',
      maxAffected: 5,
      tx: 'rollback',
    });
    expect(parsePrefer('wat=1').invalid).toEqual(['wat=1']);
    expect(parsePrefer('params=single-object')).toMatchObject({ params: 'single-object', invalid: [] });
    expect(parsePrefer('params=multiple-objects').invalid).toEqual(['params=multiple-objects']);
    rejects(() => parsePrefer('handling=strict, wat=1'), 'PGRST122');
  });

  it('maps SQLSTATEs like PostgREST', () => {
    const cases: [string, number][] = [
      ['23505', 409],
      ['23503', 409],
      ['23502', 400],
      ['22P02', 400],
      ['25006', 405],
      ['42P01', 404],
      ['42883', 404],
      ['P0001', 400],
      ['PT409', 409],
      ['42P17', 500],
      ['XX000', 500],
      ['08006', 503],
      ['53300', 503],
      ['57014', 500],
      ['28000', 403],
    ];
    for (const [code, status] of cases) expect(statusForSqlState(code, '', false), code).toBe(status);
    expect(statusForSqlState('42501', '', true)).toBe(401);
    expect(statusForSqlState('42501', '', false)).toBe(403);
  });
});

describe('relationships', () => {
  const table = (oid: string, name: string) => ({ relOid: oid, schema: 'public', table: name });
  const key = (
    name: string,
    kind: 'p' | 'u',
    t: [string, string],
    columns: string[],
    attnums: number[],
  ): ConstraintRow => ({
    name,
    kind,
    ...table(...t),
    columns,
    attnums,
    ref: null,
  });
  const fk = (
    name: string,
    t: [string, string],
    columns: string[],
    attnums: number[],
    r: [string, string],
    refColumns: string[],
    refAttnums: number[],
  ): ConstraintRow => ({
    name,
    kind: 'f',
    ...table(...t),
    columns,
    attnums,
    ref: { oid: r[0], schema: 'public', table: r[1], columns: refColumns, attnums: refAttnums },
  });
  const films: [string, string] = ['1', 'films'];
  const directors: [string, string] = ['2', 'directors'];
  const specs: [string, string] = ['3', 'technical_specs'];
  const actors: [string, string] = ['4', 'actors'];
  const roles: [string, string] = ['5', 'roles'];
  const constraints = [
    key('films_pkey', 'p', films, ['id'], [1]),
    key('directors_pkey', 'p', directors, ['id'], [1]),
    key('actors_pkey', 'p', actors, ['id'], [1]),
    key('technical_specs_pkey', 'p', specs, ['film_id'], [1]),
    key('roles_pkey', 'p', roles, ['film_id', 'actor_id'], [1, 2]),
    fk('films_director_id_fkey', films, ['director_id'], [2], directors, ['id'], [1]),
    fk('technical_specs_film_id_fkey', specs, ['film_id'], [1], films, ['id'], [1]),
    fk('roles_film_id_fkey', roles, ['film_id'], [1], films, ['id'], [1]),
    fk('roles_actor_id_fkey', roles, ['actor_id'], [2], actors, ['id'], [1]),
  ];

  it('derives PostgREST cardinalities: many-to-one, one-to-one on a key, many-to-many through a junction, and the reverses', () => {
    const rels = deriveRelationships(constraints, [], 'public');
    const summary = (origin: string) =>
      rels
        .get(origin)!
        .map(
          (r) =>
            `${r.cardinality} ${r.foreignTable}${r.parent ? ' (parent)' : ''}${r.junction ? ` via ${r.junction.table}` : ''}`,
        );
    expect(summary('films')).toEqual([
      'm2m actors via roles',
      'm2o directors',
      'o2m roles',
      'o2o technical_specs (parent)',
    ]);
    expect(summary('technical_specs')).toEqual(['o2o films']);
    expect(summary('actors')).toEqual(['m2m films via roles', 'o2m roles']);
    expect(rels.get('films')![0].junction).toMatchObject({
      sourceColumns: [['id', 'film_id']],
      targetColumns: [['id', 'actor_id']],
    });
  });

  it('does not take a table as junction when its primary key leaves a foreign key column out', () => {
    const loose = constraints.map((c) => (c.name === 'roles_pkey' ? { ...c, columns: ['film_id'], attnums: [1] } : c));
    expect(
      deriveRelationships(loose, [], 'public')
        .get('films')!
        .some((r) => r.cardinality === 'm2m'),
    ).toBe(false);
  });

  it('gives views the relationships of the table keys they show, renamed columns included', () => {
    // The stored rule of `create view film_list as select id as film, director_id as boss, 1 as one from films`.
    const action =
      '({QUERY :commandType 1 :rtable ({RANGETBLENTRY :eref {ALIAS :aliasname films :colnames ("id" "director\\ id")} :relid 1}) ' +
      ':targetList ({TARGETENTRY :expr {VAR :varno 1 :varattno 1} :resno 1 :resname film :resorigtbl 1 :resorigcol 1 :resjunk false} ' +
      '{TARGETENTRY :expr {VAR :varno 1 :varattno 2} :resno 2 :resname boss :resorigtbl 1 :resorigcol 2 :resjunk false} ' +
      '{TARGETENTRY :expr {CONST :consttype 23 :constvalue 4 [ 1 0 0 0 ]} :resno 3 :resname one :resorigtbl 0 :resorigcol 0 :resjunk false})})';
    expect(viewColumnOrigins(action)).toEqual([
      { column: 1, tableOid: '1', tableColumn: 1 },
      { column: 2, tableOid: '1', tableColumn: 2 },
      { column: 3, tableOid: '0', tableColumn: 0 },
    ]);
    const view = {
      oid: '9',
      schema: 'public',
      name: 'film_list',
      action,
      columnNames: new Map([
        [1, 'film'],
        [2, 'boss'],
        [3, 'one'],
      ]),
    };
    const rels = deriveRelationships(constraints, [view], 'public');
    expect(rels.get('film_list')!.map((r) => [r.cardinality, r.foreignTable, r.columns])).toEqual([
      ['m2m', 'actors', []],
      ['m2o', 'directors', [['boss', 'id']]],
      ['o2m', 'roles', [['film', 'film_id']]],
      ['o2o', 'technical_specs', [['film', 'film_id']]],
    ]);
    expect(rels.get('directors')!.map((r) => [r.foreignTable, r.foreignTableIsView])).toEqual([
      ['film_list', true],
      ['films', false],
    ]);
  });
});
