import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// The demo district: depot dep-01 and four compounds, 江山鼎 (cmp-0001, 569 households) sealed.
const STOPS = ['cmp-0004', 'cmp-0001', 'cmp-0003', 'cmp-0002'];
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/plan.ts', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

interface Plan {
  runs: {
    truck: string;
    seconds: number;
    load: number;
    stops: { id: string; arrivalSeconds: number; loadLeft: number }[];
  }[];
  unassigned: { id: string; reason: string }[];
  givenSeconds: number | null;
  savingSeconds: number | null;
}

describe('scripts/plan.ts', () => {
  it('orders one truck’s stops, never longer than the order given, with arrivals and the load left', () => {
    const { code, out } = run('--from', 'dep-01', '--stops', STOPS.join(','), '--json');
    expect(code).toBe(0);
    const plan = JSON.parse(out) as Plan;
    const [only] = plan.runs;
    expect(only.stops.map((s) => s.id).sort()).toEqual([...STOPS].sort());
    expect(plan.givenSeconds).not.toBeNull();
    expect(only.seconds).toBeLessThanOrEqual(plan.givenSeconds!);
    expect(plan.savingSeconds).toBeCloseTo(plan.givenSeconds! - only.seconds, 6);
    const arrivals = only.stops.map((s) => s.arrivalSeconds);
    expect(arrivals).toEqual([...arrivals].sort((a, b) => a - b));
    expect(only.stops.at(-1)!.loadLeft).toBe(0);
  });

  it('splits the stops among trucks within their capacity, and lists a compound too big for any', () => {
    const fits = JSON.parse(
      run('--from', 'dep-01', '--stops', STOPS.join(','), '--trucks', '2', '--capacity', '2500', '--json').out,
    ) as Plan;
    expect(fits.unassigned).toEqual([]);
    expect(fits.runs.flatMap((r) => r.stops.map((s) => s.id)).sort()).toEqual([...STOPS].sort());
    for (const r of fits.runs) expect(r.load).toBeLessThanOrEqual(2500);

    // 锦绣府 (cmp-0003) has 2,006 households: no truck of 1,500 parcels takes it.
    const tight = JSON.parse(
      run('--from', 'dep-01', '--stops', STOPS.join(','), '--trucks', '3', '--capacity', '1500', '--json').out,
    ) as Plan;
    expect(tight.unassigned).toEqual([expect.objectContaining({ id: 'cmp-0003', reason: 'over_capacity' })]);
  });

  it('refuses bad arguments with exit code 2 and a message', () => {
    expect(run('--from', 'cmp-0001', '--stops', 'cmp-0002')).toMatchObject({
      code: 2,
      err: expect.stringContaining('is not a depot'),
    });
    expect(run('--from', 'dep-01', '--stops', 'cmp-0002,cmp-0002')).toMatchObject({
      code: 2,
      err: expect.stringContaining('twice'),
    });
    expect(run('--from', 'dep-01', '--stops', 'nope')).toMatchObject({
      code: 2,
      err: expect.stringContaining('no compound "nope"'),
    });
    expect(run('--from', 'dep-01', '--stops', 'cmp-0001', '--trucks', '2')).toMatchObject({
      code: 2,
      err: expect.stringContaining('needs --capacity'),
    });
  });
});
