import type { CaseReportRow, ZoneLevel, ZoneProposalDecisionRow, ZoneRow, ZoneRulesRow } from './rows.ts';

/** A day on the district's clock, `YYYY-MM-DD`. */
type Day = string;

/** A step the rules propose; never applied by itself. */
export type ZoneProposal =
  | {
      kind: 'step_down';
      zoneId: string;
      from: ZoneLevel;
      to: ZoneLevel;
      /** The last case in the zone, or the day it took its level when it has had none since. */
      lastCaseOn: Day;
      /** The day the rule lets it step down (lastCaseOn + the rule's days). */
      effectiveOn: Day;
      /** Whether that day has come (a proposal for a coming day is shown as such). */
      due: boolean;
    }
  | {
      kind: 'seal';
      compoundId: string;
      /** The control zone the compound lies in. */
      zoneId: string;
      caseReportId: string;
      reportedOn: Day;
    };

export interface ProposalInput {
  zones: readonly Pick<ZoneRow, 'id' | 'level' | 'status' | 'effective_from'>[];
  reports: readonly Pick<CaseReportRow, 'id' | 'compound_id' | 'reported_on'>[];
  /** The compounds of each zone (its impact's compound ids), by zone id. */
  compoundsOf: (zoneId: string) => readonly string[];
  rules: Pick<ZoneRulesRow, 'lockdown_to_control_days' | 'control_to_precaution_days' | 'seal_on_case_in_control'>;
  decisions: readonly Pick<ZoneProposalDecisionRow, 'kind' | 'zone_id' | 'compound_id' | 'basis'>[];
  /** Today on the district's clock. */
  today: Day;
  /** How many days ahead a coming step down is already shown; default 2. */
  lookAheadDays?: number;
}

const DAY_MS = 86_400_000;
/** `day` plus whole days. */
export function addDaysTo(day: Day, days: number): Day {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The district day (UTC+8, no daylight saving) of an instant. */
export function districtDay(iso: string): Day {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * What the rules propose today (Shanghai's published rule of May 2022, as configured):
 * - a lockdown zone with no new case for `lockdown_to_control_days` steps down to control, and a
 *   control zone with none for `control_to_precaution_days` more (counted from the later of its
 *   last case and the day it became control) steps down to precaution; a new case resets the
 *   clock. Step downs coming within `lookAheadDays` are listed too, marked not yet due;
 * - a case reported in a compound of an active control zone (and of no lockdown zone) proposes
 *   sealing the compound, when `seal_on_case_in_control`.
 * A proposal a commander has answered (accepted or dismissed) on the same basis is not proposed
 * again; a new case changes the basis, so the zone is proposed afresh.
 */
export function zoneProposals(input: ProposalInput): ZoneProposal[] {
  const { rules, today } = input;
  const lookAhead = input.lookAheadDays ?? 2;
  const lastCase = new Map<string, Day>();
  for (const report of input.reports) {
    const held = lastCase.get(report.compound_id);
    if (!held || held < report.reported_on) lastCase.set(report.compound_id, report.reported_on);
  }
  const answered = (kind: string, zoneId: string | null, compoundId: string | null, basisKey: string) =>
    input.decisions.some(
      (d) =>
        d.kind === kind &&
        (d.zone_id ?? null) === zoneId &&
        (d.compound_id ?? null) === compoundId &&
        (d.basis.last_case_on === basisKey || d.basis.case_report_id === basisKey),
    );

  const active = input.zones.filter((zone) => zone.status === 'active');
  const proposals: ZoneProposal[] = [];
  for (const zone of active) {
    if (zone.level !== 'lockdown' && zone.level !== 'control') continue;
    const since = zone.effective_from ? districtDay(zone.effective_from) : null;
    const cases = input.compoundsOf(zone.id).flatMap((id) => lastCase.get(id) ?? []);
    const latestCase = cases.length ? cases.reduce((a, b) => (a > b ? a : b)) : null;
    const basis = [latestCase, since]
      .filter((d): d is Day => d !== null)
      .reduce<Day | null>((a, b) => (a === null || b > a ? b : a), null);
    if (!basis) continue;
    const days = zone.level === 'lockdown' ? rules.lockdown_to_control_days : rules.control_to_precaution_days;
    const effectiveOn = addDaysTo(basis, days);
    if (effectiveOn > addDaysTo(today, lookAhead)) continue;
    if (answered('step_down', zone.id, null, basis)) continue;
    proposals.push({
      kind: 'step_down',
      zoneId: zone.id,
      from: zone.level,
      to: zone.level === 'lockdown' ? 'control' : 'precaution',
      lastCaseOn: basis,
      effectiveOn,
      due: effectiveOn <= today,
    });
  }

  if (rules.seal_on_case_in_control) {
    const sealed = new Set(
      active.filter((zone) => zone.level === 'lockdown').flatMap((zone) => input.compoundsOf(zone.id)),
    );
    for (const zone of active.filter((z) => z.level === 'control')) {
      for (const compoundId of input.compoundsOf(zone.id)) {
        if (sealed.has(compoundId)) continue;
        const report = input.reports
          .filter((r) => r.compound_id === compoundId)
          .reduce<ProposalInput['reports'][number] | null>(
            (a, b) => (!a || b.reported_on > a.reported_on ? b : a),
            null,
          );
        // A case reported since the compound's zone took its level, not an old one.
        const since = zone.effective_from ? districtDay(zone.effective_from) : null;
        if (!report || (since && report.reported_on < since)) continue;
        if (answered('seal', zone.id, compoundId, report.id)) continue;
        proposals.push({
          kind: 'seal',
          compoundId,
          zoneId: zone.id,
          caseReportId: report.id,
          reportedOn: report.reported_on,
        });
      }
    }
  }
  // Seals first (a case is urgent), then step downs that are due, the longest waiting first.
  return proposals.sort((a, b) => {
    if (a.kind !== b.kind) return a.kind === 'seal' ? -1 : 1;
    if (a.kind === 'step_down' && b.kind === 'step_down') return a.effectiveOn.localeCompare(b.effectiveOn);
    return 0;
  });
}
