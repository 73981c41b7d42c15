import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startTestStack, type TestStack } from '../../helpers/stack.ts';
import { launchBrowser, openPage, type Browser, type PageWatch } from './browser.ts';
import { buildAppForTests } from './test-app.ts';

export interface Viewport {
  width: number;
  height: number;
}

export const PHONE: Viewport = { width: 360, height: 740 };
export const DESKTOP: Viewport = { width: 1280, height: 800 };
/** The sizes every screen is checked at. */
export const VIEWPORTS = [PHONE, DESKTOP] as const;
/** `360x740`: how screenshot names tell the sizes apart. */
export const sizeTag = ({ width, height }: Viewport) => `${width}x${height}`;

export interface AppSuite {
  /** The stack serving the built app; there from `beforeAll` on. */
  readonly stack: TestStack;
  /** The first browser; there from `beforeAll` on. */
  readonly browser: Browser;
  /** Every browser of the suite, in launch order. */
  readonly browsers: readonly Browser[];
  /** A blank page at `viewport`, whose errors and sockets are checked after the test. */
  page(viewport: Viewport, browser?: Browser): Promise<Page>;
  /** The public map at `hash`, once the map reports it is ready. */
  open(viewport: Viewport, hash?: string): Promise<Page>;
  /** The sign-in form filled in and submitted; the caller waits for what should follow. */
  signIn(email: string, password: string, viewport: Viewport, browser?: Browser): Promise<Page>;
}

export interface AppSuiteOptions {
  /** Separate browsers, each with its own profile and so its own stored session; default 1. */
  browsers?: number;
}

/**
 * Chromium and a local stack serving the built app for one test file. Call at the top level:
 * it registers the hooks that start and stop both, and after every test checks that nothing
 * tried to leave the machine and that no page threw.
 */
export function useAppSuite({ browsers: count = 1 }: AppSuiteOptions = {}): AppSuite {
  let stack: TestStack | undefined;
  const browsers: Browser[] = [];
  const watches: PageWatch[] = [];

  beforeAll(async () => {
    for (let i = 0; i < count; i++) browsers.push(await launchBrowser());
    stack = await startTestStack({ config: { serveApp: await buildAppForTests() } });
  });

  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await stack?.stop();
  });

  afterEach(() => {
    // Every test: nothing left the machine and nothing threw on the page.
    for (const browser of browsers) expect(browser.outsideRequests).toEqual([]);
    for (const watch of watches.splice(0)) {
      expect(watch.outsideSockets).toEqual([]);
      expect(watch.errors).toEqual([]);
    }
  });

  const running = () => {
    if (!stack) throw new Error('the app suite has not started: use it inside tests or hooks');
    return stack;
  };

  const page = async (viewport: Viewport, browser = browsers[0]) => {
    const opened = await openPage(browser, viewport);
    watches.push(opened.watch);
    return opened.page;
  };

  return {
    get stack() {
      return running();
    },
    get browser() {
      return browsers[0];
    },
    browsers,
    page,
    async open(viewport, hash = '#/') {
      const p = await page(viewport);
      await p.goto(`${running().url}/${hash}`);
      await p.waitForSelector('[data-map-ready="true"]', { timeout: 90_000 });
      return p;
    },
    async signIn(email, password, viewport, browser) {
      const p = await page(viewport, browser);
      await p.goto(`${running().url}/#/signin`);
      await p.locator('input[name="email"]').fill(email);
      await p.locator('input[name="password"]').fill(password);
      await p.locator('button[type="submit"]').click();
      return p;
    },
  };
}
