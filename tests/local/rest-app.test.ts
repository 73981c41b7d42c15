import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import { DISPATCHER, DEMO_PASSWORD, startTestStack, type TestStack } from '../helpers/stack.ts';

// The app's own REST traffic against the migrated and seeded schema, with the demo users.
const ZONE_PUBLIC = 'id,name,name_en,level,status,district,geom,effective_from,review_days,version,updated_at';
let stack: TestStack;
let anon: SupabaseClient;
let dispatcher: SupabaseClient;

beforeAll(async () => {
  stack = await startTestStack();
  anon = stack.client();
  dispatcher = await stack.signIn(DISPATCHER, DEMO_PASSWORD);
});

afterAll(async () => {
  await stack?.stop();
});

describe('REST on the app schema', () => {
  it('anon reads the public columns of active zones only, geometry as GeoJSON', async () => {
    const { data, error } = await anon.from('zones').select(ZONE_PUBLIC).order('id');
    expect(error).toBeNull();
    expect(data!.length).toBeGreaterThan(0);
    expect(data!.every((z) => z.status === 'active')).toBe(true);
    expect(data![0].geom.type).toBe('MultiPolygon');
    const all = await stack.ctx.db.query<{ n: number }>("select count(*)::int as n from zones where status = 'active'");
    expect(data!.length).toBe(all.rows[0].n);
  });

  it('anon select=* on zones fails on the column grants, as under PostgREST (401 42501)', async () => {
    const { error, status } = await anon.from('zones').select('*');
    expect(status).toBe(401);
    expect(error?.code).toBe('42501');
  });

  it('anon sees public site kinds only', async () => {
    const { data, error } = await anon.from('sites').select('id,kind');
    expect(error).toBeNull();
    expect(new Set(data!.map((s) => s.kind))).toEqual(new Set(['testing_site', 'mobile_testing', 'checkpoint'].filter((k) => data!.some((s) => s.kind === k))));
    expect(data!.every((s) => ['testing_site', 'mobile_testing', 'checkpoint'].includes(s.kind))).toBe(true);
  });

  it('a dispatcher writes a delivery with stops and reads it back embedded; anon sees none', async () => {
    const { data: depot } = await dispatcher.from('sites').select('id').eq('kind', 'depot').limit(1).single();
    const { data: compounds } = await dispatcher.from('compounds').select('id').order('id').limit(2);
    const { data: delivery, error } = await dispatcher.from('deliveries').insert({ depot_id: depot!.id, truck: 'REST-1' }).select().single();
    expect(error).toBeNull();
    const stops = compounds!.map((c, i) => ({ delivery_id: delivery.id, seq: i + 1, compound_id: c.id }));
    expect((await dispatcher.from('delivery_stops').insert(stops)).status).toBe(201);
    const { data, error: readError } = await dispatcher
      .from('deliveries')
      .select('*,delivery_stops(*)')
      .eq('id', delivery.id)
      .order('seq', { referencedTable: 'delivery_stops' });
    expect(readError).toBeNull();
    expect(data).toHaveLength(1);
    expect(data![0].delivery_stops.map((s: { seq: number; compound_id: string }) => [s.seq, s.compound_id])).toEqual(stops.map((s) => [s.seq, s.compound_id]));
    const { data: hidden } = await anon.from('deliveries').select('id').eq('id', delivery.id);
    expect(hidden ?? []).toEqual([]);
  });

  it('zone_impact answers for a polygon and refuses a self-intersecting one with 400', async () => {
    const { data: zone } = await anon.from('zones').select('geom').limit(1).single();
    const { data, error } = await dispatcher.rpc('zone_impact', { geom: zone!.geom });
    expect(error).toBeNull();
    expect(typeof data.households).toBe('number');
    const bowtie = { type: 'Polygon', coordinates: [[[120.9, 31.9], [121, 32], [121, 31.9], [120.9, 32], [120.9, 31.9]]] };
    const bad = await dispatcher.rpc('zone_impact', { geom: bowtie });
    expect(bad.status).toBe(400);
    expect(bad.error?.message).toMatch(/not valid/);
  });

  it('zones_at_point works over GET with query arguments', async () => {
    const { data: zone } = await anon.from('zones').select('id,geom').limit(1).single();
    const [lng, lat] = zone!.geom.coordinates[0][0][0] as [number, number];
    const { data, error } = await anon.rpc('zones_at_point', { lng, lat }, { get: true });
    expect(error).toBeNull();
    expect(Array.isArray(data)).toBe(true);
  });
});
