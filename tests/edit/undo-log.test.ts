import type { MultiPolygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import type { EditContext } from '../../src/edit/operation.ts';
import { createZone } from '../../src/edit/operations/create-zone.ts';
import { discardZone } from '../../src/edit/operations/discard-zone.ts';
import { reshapeZone } from '../../src/edit/operations/reshape-zone.ts';
import { setFields } from '../../src/edit/operations/set-fields.ts';
import { nextStepDown, stepDown } from '../../src/edit/operations/step-down.ts';
import { EMPTY_HISTORY, redo, transact, undo, type EditHistory } from '../../src/edit/undo-log.ts';
import type { WorkingZone } from '../../src/edit/working-zone.ts';

const square = (x: number, size = 0.01): MultiPolygon => ({
  type: 'MultiPolygon',
  coordinates: [
    [
      [
        [x, 32],
        [x + size, 32],
        [x + size, 32 + size],
        [x, 32 + size],
        [x, 32],
      ],
    ],
  ],
});

const FIELDS: WorkingZone['fields'] = { name: '江山鼎封控区', name_en: null, level: 'lockdown', status: 'active', geom: square(120.9), effective_from: '2022-04-04T00:00:00+08:00', review_days: 14, notes: null, bounds_zh: null, bounds_en: null };

const saved: WorkingZone = Object.freeze<WorkingZone>({
  id: 'zone-1',
  base: { version: 3, status: 'active', draftVersion: null, fields: FIELDS },
  fields: FIELDS,
});

/** The zones as the commander sees them: the session's copy, else the saved one. */
function contextOf(history: EditHistory): EditContext {
  let n = 0;
  return { zone: (id) => history.zones.get(id) ?? (id === saved.id ? saved : null), newId: () => `new-${++n}` };
}

function run(history: EditHistory, op: (context: EditContext) => ReturnType<typeof reshapeZone>): EditHistory {
  const result = op(contextOf(history));
  if (!result.ok) throw new Error(result.reason);
  return transact(history, result.moment);
}

describe('the editing session', () => {
  it('undoes and redoes every kind of edit, back to the saved state', () => {
    let h = EMPTY_HISTORY;
    h = run(h, (c) => reshapeZone(c, 'zone-1', square(120.9, 0.02)));
    h = run(h, (c) => setFields(c, 'zone-1', { name: '江山鼎' }));
    h = run(h, (c) => createZone(c, { geom: square(121), level: 'control', name: '新区' }));
    h = run(h, (c) => stepDown(c, 'zone-1', new Date('2022-04-15T00:00:00Z')));
    expect(h.zones.get('zone-1')!.fields).toMatchObject({
      level: 'control',
      name: '江山鼎',
      geom: square(120.9, 0.02),
    });
    expect([...h.zones.keys()].sort()).toEqual(['new-1', 'zone-1']);

    h = undo(h);
    expect(h.zones.get('zone-1')!.fields.level).toBe('lockdown');
    h = undo(h);
    expect(h.zones.has('new-1')).toBe(false);
    h = undo(h);
    h = undo(h);
    expect(h.zones.size).toBe(0);
    expect(undo(h)).toBe(h);

    for (let i = 0; i < 4; i++) h = redo(h);
    expect(h.zones.get('zone-1')!.fields).toMatchObject({
      level: 'control',
      name: '江山鼎',
      geom: square(120.9, 0.02),
    });
    expect(h.zones.get('new-1')!.fields).toMatchObject({ status: 'draft', level: 'control' });
    expect(redo(h)).toBe(h);
  });

  it('drops the redo stack when a new edit follows an undo', () => {
    let h = run(EMPTY_HISTORY, (c) => setFields(c, 'zone-1', { name: 'a' }));
    h = undo(h);
    h = run(h, (c) => setFields(c, 'zone-1', { name: 'b' }));
    expect(h.redo).toEqual([]);
    expect(h.zones.get('zone-1')!.fields.name).toBe('b');
  });

  it('discards a zone’s edits as one undoable edit', () => {
    let h = run(EMPTY_HISTORY, (c) => setFields(c, 'zone-1', { notes: 'x' }));
    h = run(h, () => discardZone('zone-1'));
    expect(h.zones.size).toBe(0);
    h = undo(h);
    expect(h.zones.get('zone-1')!.fields.notes).toBe('x');
  });

  it('refuses an edit of a zone it cannot find', () => {
    expect(reshapeZone(contextOf(EMPTY_HISTORY), 'nope', square(1))).toEqual({ ok: false, reason: 'zone_not_found' });
  });
});

describe('step down', () => {
  it('goes lockdown, control, precaution, lifted, and no further', () => {
    expect(nextStepDown({ level: 'lockdown', status: 'active' })).toBe('control');
    expect(nextStepDown({ level: 'control', status: 'active' })).toBe('precaution');
    expect(nextStepDown({ level: 'precaution', status: 'active' })).toBe('lifted');
    expect(nextStepDown({ level: 'precaution', status: 'lifted' })).toBeNull();
  });

  it('restarts the review clock from the step', () => {
    let h = run(EMPTY_HISTORY, (c) => stepDown(c, 'zone-1', new Date('2022-04-15T00:00:00Z')));
    expect(h.zones.get('zone-1')!.fields).toMatchObject({
      level: 'control',
      effective_from: '2022-04-15T00:00:00.000Z',
    });
    h = run(h, (c) => stepDown(c, 'zone-1', new Date('2022-04-18T00:00:00Z')));
    h = run(h, (c) => stepDown(c, 'zone-1', new Date('2022-04-20T00:00:00Z')));
    expect(h.zones.get('zone-1')!.fields).toMatchObject({ level: 'precaution', status: 'lifted' });
    expect(stepDown(contextOf(h), 'zone-1', new Date())).toEqual({ ok: false, reason: 'already_lifted' });
  });
});

describe('rebase', () => {
  it('keeps my changed fields on top of their newer version, and takes their versions', async () => {
    const { rebase } = await import('../../src/edit/working-zone.ts');
    const mine: WorkingZone = { ...saved, fields: { ...saved.fields, name: '江山鼎（扩大）', geom: square(120.9, 0.02) } };
    const theirs: WorkingZone = {
      id: saved.id,
      base: { version: 4, status: 'active', draftVersion: 1, fields: { ...saved.fields, review_days: 7 } },
      fields: { ...saved.fields, review_days: 7 },
    };
    const rebased = rebase(mine, theirs);
    expect(rebased.base).toEqual(theirs.base);
    expect(rebased.fields).toEqual({ ...saved.fields, name: '江山鼎（扩大）', geom: square(120.9, 0.02), review_days: 7 });
  });
});
