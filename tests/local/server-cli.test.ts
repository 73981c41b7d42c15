import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS } from '../../supabase/seed/seed.ts';
import { ensureTemplate, ROOT, TMP } from '../helpers/template.ts';

const dir = join(TMP, `cli-${process.pid}`);
const dataDir = join(dir, 'data');
const envFile = join(dir, '.env.local');
let child: ChildProcess;
let output = '';
let exit: Promise<number | null>;

beforeAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await cp(inject('stackTemplate') ?? (await ensureTemplate()), dataDir, { recursive: true });
  await writeFile(envFile, '# mine\nMY_SETTING=1\nVITE_SUPABASE_URL=http://old\n');
  child = spawn(process.execPath, ['--import', 'tsx', 'supabase/local/start.ts', '--port', '0', '--data', dataDir, '--write-env', envFile], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  exit = new Promise((done) => child.on('exit', (code) => done(code)));
  await new Promise<void>((ready, fail) => {
    const check = () => (output.includes('Ctrl+C stops the stack') ? ready() : null);
    child.stdout!.on('data', check);
    child.on('exit', () => fail(new Error(`the stack exited during start-up:\n${output}`)));
  });
});
afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

const apiUrl = () => /API URL:\s+(\S+)/.exec(output)![1];

it('prints the URL, both keys and each demo sign-in with its password on one line', () => {
  expect(apiUrl()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(output).toMatch(/anon key:\s+eyJ/);
  expect(output).toMatch(/service_role key:\s+eyJ/);
  for (const u of DEMO_USERS) expect(output).toMatch(new RegExp(`${u.email.replace('.', '\\.')}\\s+password: ${DEMO_PASSWORD}`));
});

it('writes VITE_SUPABASE_URL and VITE_SUPABASE_ANON_KEY to the env file and keeps other lines', async () => {
  const env = await readFile(envFile, 'utf8');
  expect(env).toContain('# mine\nMY_SETTING=1\n');
  expect(env).toContain(`VITE_SUPABASE_URL=${apiUrl()}\n`);
  const anon = /anon key:\s+(\S+)/.exec(output)![1];
  expect(env).toContain(`VITE_SUPABASE_ANON_KEY=${anon}\n`);
  expect(env).not.toContain('http://old');
});

it('serves the API it announced', async () => {
  const anon = /anon key:\s+(\S+)/.exec(output)![1];
  const res = await fetch(`${apiUrl()}/auth/v1/health`, { headers: { apikey: anon } });
  expect(res.status).toBe(200);
});

it('shuts down cleanly on SIGTERM', async () => {
  child.kill('SIGTERM');
  expect(await exit).toBe(0);
  expect(output).toContain('SIGTERM: shutting down');
});
