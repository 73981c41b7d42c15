import { describe, expect, it } from 'vitest';
import { formatHash, parseHash, type HashState } from '../../src/navigation/hash-state.ts';

describe('parseHash', () => {
  it('defaults to the public map in Chinese', () => {
    expect(parseHash('')).toEqual({ view: 'public', camera: null, selection: null, place: null, locale: 'zh-CN' });
    expect(parseHash('#/')).toEqual({ view: 'public', camera: null, selection: null, place: null, locale: 'zh-CN' });
  });

  it('reads the view, camera, selection and language', () => {
    expect(parseHash('#/?map=13.25/31.93210/120.97650&sel=zone:zone-001&lang=en')).toEqual({
      view: 'public',
      camera: { zoom: 13.25, center: [120.9765, 31.9321] },
      selection: { kind: 'zone', id: 'zone-001' },
      place: null,
      locale: 'en',
    });
    expect(parseHash('#/signin').view).toBe('signin');
    expect(parseHash('#/command/').view).toBe('command');
    expect(parseHash('#/dispatch?lang=en').view).toBe('dispatch');
  });

  it('falls back on what it cannot read instead of throwing', () => {
    const state = parseHash('#/nowhere?map=99/1000/x&sel=truck:1&lang=fr');
    expect(state).toEqual({ view: 'public', camera: null, selection: null, place: null, locale: 'zh-CN' });
  });
});

describe('formatHash', () => {
  it('round-trips through parseHash', () => {
    const state: HashState = {
      view: 'public',
      camera: { zoom: 12.5, center: [120.98, 31.93] },
      selection: { kind: 'site', id: 'ts-07' },
      place: null,
      locale: 'en',
    };
    const hash = formatHash(state);
    expect(hash).toBe('#/?map=12.50/31.93000/120.98000&sel=site:ts-07&lang=en');
    expect(parseHash(hash)).toEqual(state);
  });

  it('keeps a searched compound and a chosen place', () => {
    const state: HashState = {
      view: 'public',
      camera: null,
      selection: { kind: 'compound', id: 'cmp-0001' },
      place: [121.00473, 31.95939],
      locale: 'zh-CN',
    };
    const hash = formatHash(state);
    expect(hash).toBe('#/?sel=compound:cmp-0001&at=31.95939/121.00473');
    expect(parseHash(hash)).toEqual(state);
    expect(parseHash('#/?at=91/121').place).toBeNull();
  });

  it('leaves the default language and empty parts out', () => {
    expect(formatHash({ view: 'signin', camera: null, selection: null, place: null, locale: 'zh-CN' })).toBe('#/signin');
  });
});
