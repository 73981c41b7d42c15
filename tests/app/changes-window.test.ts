import { describe, expect, it } from 'vitest';
import { changesCover } from '../../src/domain/changes-window.ts';

describe("what a publication's changes file covers", () => {
  it('takes the file to cover a gap that began after the previous midnight on the district clock', () => {
    // Written at 00:30 on 5 April (UTC+8): it holds every public revision since 00:00 on 4 April.
    const publishedAt = '2022-04-04T16:30:00Z';
    expect(changesCover('2022-04-03T16:00:00Z', publishedAt)).toBe(true);
    expect(changesCover('2022-04-04T10:00:00Z', publishedAt)).toBe(true);
    expect(changesCover('2022-04-03T15:59:59Z', publishedAt)).toBe(false);
  });
});
