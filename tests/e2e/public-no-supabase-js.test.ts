// An anonymous visitor of the public map never downloads supabase-js (its auth, REST and storage
// clients): the map comes from the published files, live changes through realtime-js alone. The
// sign-in form, and a session stored in the browser, load it.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { COMMANDER, DEMO_PASSWORD } from '../helpers/stack.ts';
import { DESKTOP, useAppSuite } from './helpers/app-suite.ts';

const suite = useAppSuite();

/** Strings of supabase-js's auth client (its log prefix, the password grant) and of its REST client's error class. */
const SUPABASE_JS = /GoTrueClient|grant_type=password|PostgrestError/;
/** The Phoenix join event: realtime-js's code. */
const REALTIME_JS = /phx_join/;

interface Script {
  url: string;
  body: string;
}

/** Every script the page fetches from now on, with its text (read as it arrives). */
function watchScripts(page: Page): Promise<Script>[] {
  const scripts: Promise<Script>[] = [];
  page.on('response', (response) => {
    if (response.request().resourceType() !== 'script') return;
    scripts.push(response.text().then((body) => ({ url: new URL(response.url()).pathname, body })));
  });
  return scripts;
}

const matching = async (scripts: Promise<Script>[], marker: RegExp) =>
  (await Promise.all(scripts)).filter(({ body }) => marker.test(body)).map(({ url }) => url);

async function lockdownCount(page: Page): Promise<number> {
  return Number((await page.getByTestId('legend-count-lockdown').innerText()).replace(/\D/g, ''));
}

describe('the public map without supabase-js', () => {
  it('gets the map and its live changes without downloading supabase-js, which the sign-in form loads', async () => {
    const page = await suite.page(DESKTOP);
    const scripts = watchScripts(page);
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(new URL(socket.url()).pathname));
    await page.goto(`${suite.stack.url}/#/`);
    await page.waitForSelector('[data-map-ready="true"]', { timeout: 90_000 });
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor();

    // A zone lifted through the API reaches the page over the broadcast, without a reload.
    const commander = await suite.stack.signIn(COMMANDER, DEMO_PASSWORD);
    const { data: lockdowns, error } = await commander
      .from('zones')
      .select('id')
      .eq('status', 'active')
      .eq('level', 'lockdown')
      .order('id');
    expect(error).toBeNull();
    await expect.poll(() => lockdownCount(page)).toBe(lockdowns!.length);
    expect((await commander.from('zones').update({ status: 'lifted' }).eq('id', lockdowns![0].id)).error).toBeNull();
    await expect.poll(() => lockdownCount(page), { timeout: 15_000 }).toBe(lockdowns!.length - 1);

    expect(sockets).toContain('/realtime/v1/websocket');
    expect((await matching(scripts, REALTIME_JS)).length).toBeGreaterThan(0);
    expect(await matching(scripts, SUPABASE_JS)).toEqual([]);

    // The markers do find supabase-js: the sign-in form fetches it.
    await page.getByTestId('sign-in').click();
    await page.getByTestId('signin-form').waitFor();
    await expect.poll(() => matching(scripts, SUPABASE_JS), { timeout: 15_000 }).not.toEqual([]);
    await page.close();
  });

  it('loads supabase-js at start for a visitor whose session is stored, and knows them', async () => {
    const signedIn = await suite.signIn(COMMANDER, DEMO_PASSWORD, DESKTOP);
    await signedIn.getByTestId('view-commander').waitFor();
    await signedIn.close();

    // A new page of the same profile: the session is in its storage.
    const page = await suite.page(DESKTOP);
    const scripts = watchScripts(page);
    await page.goto(`${suite.stack.url}/#/`);
    await page.getByTestId('sign-out').waitFor();
    await page.waitForSelector('[data-map-ready="true"]', { timeout: 90_000 });
    expect(await matching(scripts, SUPABASE_JS)).not.toEqual([]);

    // Leave the profile without a session.
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in').waitFor();
    await page.close();
  });
});
