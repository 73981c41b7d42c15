import { describe, expect, it } from 'vitest';
import { COMMANDER, DEMO_PASSWORD, DISPATCHER } from '../helpers/stack.ts';
import { DESKTOP, PHONE, useAppSuite } from './helpers/app-suite.ts';
import { screenshot } from './helpers/browser.ts';

const suite = useAppSuite();
const signInAs = (email: string, password: string, viewport = PHONE) => suite.signIn(email, password, viewport);

describe('staff sign-in', () => {
  it('takes a commander to the command view and back out on sign-out', async () => {
    const page = await signInAs(COMMANDER, DEMO_PASSWORD);
    await page.getByTestId('view-commander').waitFor();
    expect(page.url()).toContain('#/command');
    expect(await page.getByTestId('signed-in-as').innerText()).toContain(COMMANDER);
    await screenshot(page, 'command-360x740');
    await page.getByTestId('sign-out').click();
    await page.waitForSelector('[data-testid="map"]');
    expect(page.url()).not.toContain('command');
    await page.goto(`${suite.stack.url}/#/command`);
    await page.waitForURL(/#\/signin/);
    await page.close();
  });

  it('takes a dispatcher to the dispatch view', async () => {
    const page = await signInAs(DISPATCHER, DEMO_PASSWORD, DESKTOP);
    await page.getByTestId('view-dispatcher').waitFor();
    expect(await page.getByTestId('signed-in-as').innerText()).toContain(DISPATCHER);
    await screenshot(page, 'dispatch-1280x800');
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in').waitFor();
    await page.close();
  });

  it('says why a wrong password is refused and stays on the form', async () => {
    const page = await signInAs(COMMANDER, 'not-the-password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/登录失败/);
    expect(page.url()).toContain('#/signin');
    await screenshot(page, 'signin-failed-360x740');
    await page.close();
  });
});
