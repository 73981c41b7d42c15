import { afterEach, describe, expect, it, vi } from 'vitest';

// Fresh modules for each test: the unit suite's setup has loaded every catalogue into the shared ones.
async function freshModules() {
  vi.resetModules();
  const { catalogue, loadCatalogue } = await import('../../src/ui/i18n/catalogues.ts');
  const { translate } = await import('../../src/ui/i18n/translate.ts');
  return { catalogue, loadCatalogue, translate };
}

describe('catalogue loading', () => {
  afterEach(() => vi.doUnmock('../../src/ui/i18n/en.ts'));

  it('has Chinese built in and fetches English when asked', async () => {
    const { catalogue, loadCatalogue, translate } = await freshModules();
    expect(catalogue('zh-CN')).toBeDefined();
    expect(catalogue('en')).toBeUndefined();
    // Not in yet: Chinese, never the bare key.
    expect(translate('en', 'legend.count', { count: 4 })).toBe('4 个');

    await loadCatalogue('en');
    expect(translate('en', 'legend.count', { count: 4 })).toBe('4');
    expect(translate('zh-CN', 'legend.count', { count: 4 })).toBe('4 个');
    // Once is enough: later calls find it in.
    await loadCatalogue('en');
    await loadCatalogue('zh-CN');
    expect(translate('en', 'app.loading')).toBe('Loading…');
  });

  it('rejects when the catalogue cannot be fetched (offline), and keeps Chinese', async () => {
    vi.doMock('../../src/ui/i18n/en.ts', () => {
      throw new Error('Failed to fetch dynamically imported module');
    });
    const { catalogue, loadCatalogue, translate } = await freshModules();
    await expect(loadCatalogue('en')).rejects.toThrow();
    expect(catalogue('en')).toBeUndefined();
    expect(translate('en', 'app.loading')).toBe('正在加载…');
  });
});
