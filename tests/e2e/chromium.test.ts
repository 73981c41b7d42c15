import { describe, expect, it } from 'vitest';
import { launchBrowser } from './helpers/browser.ts';

describe('browser suite without Chromium', () => {
  it('fails with the command that installs it instead of skipping', async () => {
    await expect(launchBrowser('/nonexistent/chromium')).rejects.toThrow(/apt-get update && apt-get install -y chromium/);
  });
});
