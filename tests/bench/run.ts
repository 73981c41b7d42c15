import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median, percentile, type Bench, type BenchCase } from './bench.ts';

const DIR = fileURLToPath(new URL('.', import.meta.url));
const OUT = fileURLToPath(new URL('../.artifacts/bench.json', import.meta.url));

interface ResultRow {
  bench: string;
  case: string;
  unit: string;
  n: number;
  median: number;
  p99: number;
  min: number;
  max: number;
  baseline: string | null;
  baselineMedian: number | null;
  /** median / baseline median */
  ratio: number | null;
  note: string | null;
}

function summarise(bench: string, cases: BenchCase[]): ResultRow[] {
  return cases.map((c) => {
    const base = c.baseline ? cases.find((b) => b.name === c.baseline) : undefined;
    if (c.baseline && !base) throw new Error(`${bench}: case "${c.name}" names a baseline "${c.baseline}" that it did not measure`);
    const m = median(c.samples);
    const bm = base ? median(base.samples) : null;
    return {
      bench,
      case: c.name,
      unit: c.unit ?? 'ms',
      n: c.samples.length,
      median: m,
      p99: percentile(c.samples, 99),
      min: Math.min(...c.samples),
      max: Math.max(...c.samples),
      baseline: c.baseline ?? null,
      baselineMedian: bm,
      ratio: bm ? m / bm : null,
      note: c.note ?? null,
    };
  });
}

const fmt = (v: number | null) => (v === null || Number.isNaN(v) ? '' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(3));

function table(rows: ResultRow[]): string {
  const head = ['bench', 'case', 'n', 'median', 'p99', 'unit', 'baseline (median)', 'x baseline'];
  const body = rows.map((r) => [
    r.bench,
    r.case,
    String(r.n),
    fmt(r.median),
    fmt(r.p99),
    r.unit,
    r.baseline ? `${r.baseline} (${fmt(r.baselineMedian)})` : '(baseline)',
    r.ratio === null ? '' : `${r.ratio.toFixed(2)}x`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** Rows of benches not run this time stay in bench.json, each with the date it was measured. */
function previousRows(): (ResultRow & { date?: string })[] {
  if (!existsSync(OUT)) return [];
  try {
    const old = JSON.parse(readFileSync(OUT, 'utf8')) as { date?: string; results?: (ResultRow & { date?: string })[] };
    return (old.results ?? []).map((r) => ({ ...r, date: r.date ?? old.date }));
  } catch {
    return [];
  }
}

/**
 * `npm run bench [-- filter...]`: runs every tests/bench/*.bench.ts (or those whose file name
 * contains a filter), one after another, prints the table and writes
 * tests/.artifacts/bench.json (replacing the rows of the benches that ran, keeping the others).
 */
async function main() {
  const filters = process.argv.slice(2);
  const files = readdirSync(DIR)
    .filter((f) => f.endsWith('.bench.ts') && (filters.length === 0 || filters.some((x) => f.includes(x))))
    .sort();
  const rows: ResultRow[] = [];
  for (const file of files) {
    const bench = ((await import(pathToFileURL(join(DIR, file)).href)) as { default: Bench }).default;
    if (!bench?.run) throw new Error(`${file} must default-export defineBench({ name, run })`);
    console.error(`running ${bench.name} (${file}) ...`);
    const t = performance.now();
    const result = summarise(bench.name, await bench.run());
    console.error(`  done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    rows.push(...result);
  }
  console.log(table(rows));
  const notes = rows.filter((r) => r.note);
  if (notes.length) console.log('\n' + notes.map((r) => `${r.bench} / ${r.case}: ${r.note}`).join('\n'));
  mkdirSync(join(OUT, '..'), { recursive: true });
  const ran = new Set(rows.map((r) => r.bench));
  const stamp = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null };
  const kept = previousRows().filter((r) => !ran.has(r.bench));
  writeFileSync(OUT, JSON.stringify({ ...stamp, results: [...kept, ...rows.map((r) => ({ ...r, date: stamp.date }))] }, null, 2) + '\n');
  console.log(`\nwrote ${OUT}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
