import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ROOT, TMP } from '../../helpers/template.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, 'tests/.artifacts/screenshots');

/** Flags that keep Chromium headless and off the network (it must only reach the local stack). */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-domain-reliability',
  '--metrics-recording-only',
  '--no-pings',
  // Any name but the loopback fails to resolve, so a stray request cannot leave the machine.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];

export interface Browser {
  context: BrowserContext;
  /** Every request (pages and their workers) that tried to reach anything but the loopback. */
  outsideRequests: string[];
  close(): Promise<void>;
}

const LOCAL = new Set(['127.0.0.1', 'localhost']);

/**
 * Debian's Chromium with a fresh profile. Fails loudly when it is not installed: never a skip.
 * Requests that would leave the machine are blocked by routing, which also turns off the HTTP
 * cache (Playwright's rule); `{ cache: true }` keeps the cache and only records such requests
 * (the benches, which measure what a browser downloads).
 */
export async function launchBrowser(executablePath = CHROMIUM, { cache = false }: { cache?: boolean } = {}): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}. The browser suite needs it: install it with ` +
        '`apt-get update && apt-get install -y chromium` (or set CHROMIUM_PATH).',
    );
  }
  mkdirSync(join(TMP, 'chromium'), { recursive: true });
  const profile = mkdtempSync(join(TMP, 'chromium', 'profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 800 },
    serviceWorkers: 'block',
  });
  const outsideRequests: string[] = [];
  const outside = (href: string) => {
    const url = new URL(href);
    return !(url.protocol === 'data:' || url.protocol === 'blob:' || LOCAL.has(url.hostname));
  };
  // On the context, so that requests of the map's web workers are checked too.
  if (cache) context.on('request', (request) => outside(request.url()) && outsideRequests.push(request.url()));
  else {
    await context.route('**/*', (route) => {
      if (!outside(route.request().url())) return route.continue();
      outsideRequests.push(route.request().url());
      return route.abort('blockedbyclient');
    });
  }
  return {
    context,
    outsideRequests,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** What went wrong on a page: uncaught errors, and WebSockets opened to anything but the loopback. */
export interface PageWatch {
  errors: string[];
  outsideSockets: string[];
}

export async function openPage(browser: Browser, viewport: { width: number; height: number }): Promise<{ page: Page; watch: PageWatch }> {
  const watch: PageWatch = { errors: [], outsideSockets: [] };
  const page = await browser.context.newPage();
  await page.setViewportSize(viewport);
  // A thrown non-Error (an Event, a string) has neither stack nor message: say what it was.
  page.on('pageerror', (error) => watch.errors.push(error.stack || error.message || `${error.name || 'thrown'}: ${String(error)}`));
  page.on('websocket', (socket) => {
    if (!LOCAL.has(new URL(socket.url()).hostname)) watch.outsideSockets.push(socket.url());
  });
  return { page, watch };
}

export async function screenshot(page: Page, name: string): Promise<Buffer> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}
