import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { TMP } from '../helpers/template.ts';

let stack: TestStack;
let root: string;
let dist: string;
beforeAll(async () => {
  mkdirSync(TMP, { recursive: true });
  root = mkdtempSync(join(TMP, 'static-'));
  dist = join(root, 'dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(dist, 'assets', 'worker-abc.mjs'), 'export {};');
  writeFileSync(join(dist, 'assets', 'index-abc.css'), 'body{}');
  writeFileSync(join(dist, 'assets', 'big-abc.js'), 'export const words = ' + JSON.stringify('封控区 control zone '.repeat(400)) + ';');
  writeFileSync(join(dist, 'assets', 'font-abc.woff2'), Buffer.alloc(4096, 7));
  writeFileSync(join(root, 'outside-dist.txt'), 'secret');
  stack = await startTestStack({ config: { serveApp: dist } });
});
afterAll(async () => {
  await stack?.stop();
  rmSync(root, { recursive: true, force: true });
});

function rawGet(path: string): Promise<string> {
  return new Promise((done, fail) => {
    const { port, hostname } = new URL(stack.url);
    const socket = connect(Number(port), hostname, () => socket.end(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let reply = '';
    socket.on('data', (d) => (reply += d.toString('latin1')));
    socket.on('end', () => done(reply));
    socket.on('error', fail);
  });
}

it('serves index.html at / as HTML', async () => {
  const res = await fetch(`${stack.url}/`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  expect(await res.text()).toContain('<title>app</title>');
});

it('serves .mjs files as JavaScript (module workers need it)', async () => {
  const res = await fetch(`${stack.url}/assets/worker-abc.mjs`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
});

it('gzips text files for clients that accept it (the same bytes once unpacked), and leaves fonts and other clients alone', async () => {
  const url = `${stack.url}/assets/big-abc.js`;
  const plain = await (await fetch(url, { headers: { 'Accept-Encoding': 'identity' } })).text();
  const raw = await rawGet('/assets/big-abc.js');
  expect(raw).not.toMatch(/content-encoding/i);
  const zipped = await fetch(url, { headers: { 'Accept-Encoding': 'gzip, br' } });
  expect(zipped.headers.get('content-encoding')).toBe('gzip');
  expect(zipped.headers.get('vary')).toBe('Accept-Encoding');
  expect(Number(zipped.headers.get('content-length'))).toBeLessThan(plain.length / 5);
  expect(await zipped.text()).toBe(plain); // fetch unpacks it
  const again = await fetch(url, { headers: { 'Accept-Encoding': 'gzip' } });
  expect(await again.text()).toBe(plain);
  const font = await fetch(`${stack.url}/assets/font-abc.woff2`, { headers: { 'Accept-Encoding': 'gzip' } });
  expect(font.headers.get('content-encoding')).toBeNull();
  expect((await font.arrayBuffer()).byteLength).toBe(4096);
});

it('serves the app to any origin without varying by Origin, so a font the page fetched is reused for a plain fetch; the API still varies', async () => {
  const headers = { Origin: 'http://elsewhere.test' };
  for (const path of ['/assets/font-abc.woff2', '/assets/index-abc.css', '/storage/v1/object/public/public-map/latest.json']) {
    const res = await fetch(`${stack.url}${path}`, { headers });
    expect(res.headers.get('access-control-allow-origin'), path).toBe('*');
    expect(res.headers.get('access-control-allow-credentials'), path).toBeNull();
    expect(res.headers.get('vary') ?? '', path).not.toMatch(/origin/i);
  }
  const api = await fetch(`${stack.url}/rest/v1/zones?select=id&limit=1`, { headers: { ...headers, apikey: stack.anonKey } });
  expect(api.headers.get('access-control-allow-origin')).toBe('http://elsewhere.test');
  expect(api.headers.get('vary')).toMatch(/Origin/);
});

it('serves CSS with its content type', async () => {
  const res = await fetch(`${stack.url}/assets/index-abc.css`);
  expect(res.headers.get('content-type')).toMatch(/^text\/css/);
});

it('falls back to index.html for client-side routes', async () => {
  const res = await fetch(`${stack.url}/command/zones`, { headers: { Accept: 'text/html' } });
  expect(res.status).toBe(200);
  expect(await res.text()).toContain('<title>app</title>');
});

it('answers a missing asset with 404, not the app shell', async () => {
  const res = await fetch(`${stack.url}/assets/missing.js`);
  expect(res.status).toBe(404);
});

it('never serves files outside the app folder', async () => {
  for (const path of ['/../outside-dist.txt', '/%2e%2e/outside-dist.txt', '/..%2foutside-dist.txt', '/assets/..%2f..%2foutside-dist.txt']) {
    const reply = await rawGet(path);
    expect(reply).not.toContain('secret');
  }
});

it('still routes the API prefixes to the services', async () => {
  const res = await fetch(`${stack.url}/auth/v1/health`, { headers: { apikey: stack.anonKey } });
  expect(await res.json()).toMatchObject({ name: 'GoTrue' });
});
