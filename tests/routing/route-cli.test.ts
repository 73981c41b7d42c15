import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const DIR = 'tests/fixtures/routing/truck';
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/route.ts', '--dir', DIR, ...args], {
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('scripts/route.ts', () => {
  it('routes a depot to a compound’s drop point, as JSON', () => {
    const { code, out } = run('--from', 'depot', '--to', 'cmp-sealed', '--json');
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(r.roads.slice(-2)).toEqual(['spur1', 'spur2']);
    expect(r.seconds).toBeGreaterThan(0);
    expect(r.metres).toBeGreaterThan(1000);
    expect(r.geometry.type).toBe('LineString');
    expect(r.checkpoints).toEqual([]);
  });

  it('says why there is no route, exit 0, and routes with --no-closures', () => {
    const none = run('--from', 'depot', '--to', '121.011,32', '--json');
    expect(none.code).toBe(0);
    expect(JSON.parse(none.out)).toMatchObject({
      seconds: null,
      reason: 'closures',
      opening: { kind: 'checkpoint', id: 'cp-main' },
    });
    const open = run('--from', 'depot', '--to', '121.011,32', '--no-closures', '--json');
    expect(JSON.parse(open.out).checkpoints).toEqual(['cp-main']);
  });

  it('prints time, length, roads and checkpoints', () => {
    const { code, out } = run('--from', '121.0015,32', '--to', '121.0035,32');
    expect(code).toBe(0);
    expect(out).toMatch(/min, 0\.19 km/);
    expect(out).toMatch(/roads: m1 → m2 → m3/);
    expect(out).toMatch(/checkpoints: none/);
  });

  it('exits non-zero with a message on bad arguments', () => {
    for (const args of [
      ['--from', 'depot'],
      ['--from', 'nowhere', '--to', 'depot'],
      ['--from', '500,1', '--to', 'depot'],
      ['--bogus'],
    ]) {
      const r = run(...args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.err).toMatch(/route: /);
    }
  });
});
