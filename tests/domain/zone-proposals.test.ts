import { describe, expect, it } from 'vitest';
import { addDaysTo, districtDay, zoneProposals, type ProposalInput } from '../../src/domain/zone-proposals.ts';

const rules = { lockdown_to_control_days: 7, control_to_precaution_days: 3, seal_on_case_in_control: true };
const zones: ProposalInput['zones'] = [
  // 江山鼎封控区, sealed on 4 April 2022 (district time)
  { id: 'jsd', level: 'lockdown', status: 'active', effective_from: '2022-04-03T16:00:00Z' },
  { id: 'ring', level: 'control', status: 'active', effective_from: '2022-04-03T16:00:00Z' },
  { id: 'old', level: 'lockdown', status: 'lifted', effective_from: '2022-03-01T00:00:00Z' },
];
const members: Record<string, string[]> = { jsd: ['cmp-jsd'], ring: ['cmp-jxf', 'cmp-other'], old: ['cmp-x'] };
const base = (over: Partial<ProposalInput> = {}): ProposalInput => ({
  zones,
  reports: [{ id: 'r1', compound_id: 'cmp-jsd', reported_on: '2022-04-08' }],
  compoundsOf: (id) => members[id] ?? [],
  rules,
  decisions: [],
  today: '2022-04-15',
  ...over,
});

describe('zone proposals', () => {
  it('reads district days', () => {
    expect(districtDay('2022-04-03T16:00:00Z')).toBe('2022-04-04');
    expect(addDaysTo('2022-04-08', 7)).toBe('2022-04-15');
  });

  it('proposes stepping a lockdown zone down to control 7 days after its last case', () => {
    const [proposal] = zoneProposals(base()).filter((p) => p.kind === 'step_down' && p.zoneId === 'jsd');
    expect(proposal).toEqual({
      kind: 'step_down',
      zoneId: 'jsd',
      from: 'lockdown',
      to: 'control',
      lastCaseOn: '2022-04-08',
      effectiveOn: '2022-04-15',
      due: true,
    });
  });

  it('shows a coming step down two days ahead, not yet due, and nothing earlier', () => {
    const soon = zoneProposals(base({ today: '2022-04-13' })).find((p) => p.kind === 'step_down' && p.zoneId === 'jsd');
    expect(soon).toMatchObject({ due: false, effectiveOn: '2022-04-15' });
    expect(zoneProposals(base({ today: '2022-04-12' })).some((p) => p.kind === 'step_down' && p.zoneId === 'jsd')).toBe(
      false,
    );
  });

  it('a new case resets the clock', () => {
    const later = base({
      reports: [...base().reports, { id: 'r2', compound_id: 'cmp-jsd', reported_on: '2022-04-12' }],
    });
    expect(zoneProposals(later).find((p) => p.kind === 'step_down' && p.zoneId === 'jsd')).toBeUndefined();
    const then = zoneProposals({ ...later, today: '2022-04-19' }).find(
      (p) => p.kind === 'step_down' && p.zoneId === 'jsd',
    );
    expect(then).toMatchObject({ lastCaseOn: '2022-04-12', effectiveOn: '2022-04-19' });
  });

  it('steps a control zone down to precaution 3 days after it became control or its last case', () => {
    const proposals = zoneProposals(base({ today: '2022-04-07', reports: [] }));
    expect(proposals.find((p) => p.kind === 'step_down' && p.zoneId === 'ring')).toMatchObject({
      to: 'precaution',
      lastCaseOn: '2022-04-04',
      effectiveOn: '2022-04-07',
      due: true,
    });
    // Lifted zones propose nothing.
    expect(proposals.some((p) => p.kind === 'step_down' && p.zoneId === 'old')).toBe(false);
  });

  it('proposes sealing a compound of a control zone where a case is reported, once', () => {
    const reports = [{ id: 'r9', compound_id: 'cmp-jxf', reported_on: '2022-04-14' }];
    const [first] = zoneProposals(base({ reports }));
    expect(first).toEqual({
      kind: 'seal',
      compoundId: 'cmp-jxf',
      zoneId: 'ring',
      caseReportId: 'r9',
      reportedOn: '2022-04-14',
    });
    const dismissed = zoneProposals(
      base({
        reports,
        decisions: [{ kind: 'seal', zone_id: 'ring', compound_id: 'cmp-jxf', basis: { case_report_id: 'r9' } }],
      }),
    );
    expect(dismissed.some((p) => p.kind === 'seal')).toBe(false);
    expect(
      zoneProposals(base({ reports, rules: { ...rules, seal_on_case_in_control: false } })).some(
        (p) => p.kind === 'seal',
      ),
    ).toBe(false);
  });

  it('does not propose again what a commander answered on the same basis, but does after a new case', () => {
    const decisions = [
      { kind: 'step_down' as const, zone_id: 'jsd', compound_id: null, basis: { last_case_on: '2022-04-08' } },
    ];
    expect(zoneProposals(base({ decisions })).some((p) => p.kind === 'step_down' && p.zoneId === 'jsd')).toBe(false);
    const newCase = base({
      decisions,
      today: '2022-04-21',
      reports: [...base().reports, { id: 'r3', compound_id: 'cmp-jsd', reported_on: '2022-04-14' }],
    });
    expect(zoneProposals(newCase).find((p) => p.kind === 'step_down' && p.zoneId === 'jsd')).toMatchObject({
      lastCaseOn: '2022-04-14',
    });
  });
});
