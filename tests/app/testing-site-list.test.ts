import { describe, expect, it } from 'vitest';
import type { SiteKind, SiteStatus } from '../../src/domain/rows.ts';
import { listedStatus, testingSiteList } from '../../src/domain/testing-site-list.ts';

const site = (id: string, kind: SiteKind, status: SiteStatus | null) => ({ id, kind, name: id, name_en: null, status });
const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

describe('the testing site list', () => {
  it('keeps testing sites and mobile teams, not checkpoints', () => {
    const list = testingSiteList(
      [site('k', 'checkpoint', null), site('t', 'testing_site', 'open'), site('m', 'mobile_testing', null)],
      byName,
    );
    expect(list.map((s) => s.id)).toEqual(['m', 't']);
  });

  it('puts open sites first, then paused, then closed, by name within each', () => {
    const list = testingSiteList(
      [
        site('d', 'testing_site', 'closed'),
        site('c', 'testing_site', 'paused'),
        site('b', 'testing_site', 'open'),
        site('a', 'testing_site', 'paused'),
        site('e', 'mobile_testing', null),
      ],
      byName,
    );
    expect(list.map((s) => s.id)).toEqual(['b', 'e', 'a', 'c', 'd']);
  });

  it('reads a missing status as open', () => {
    expect(listedStatus({ status: null })).toBe('open');
    expect(listedStatus({ status: 'paused' })).toBe('paused');
  });
});
