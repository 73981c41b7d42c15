import type { ZoneRulesRow } from '../domain/rows.ts';
import { districtDay, zoneProposals, type ZoneProposal } from '../domain/zone-proposals.ts';
import { recordCaseReport, recordDecision, saveZoneRules } from '../services/case-writes.ts';
import { caseReports, proposalDecisions, staffCompounds, staffZones, zoneRules } from './staff-data.svelte.ts';
import { zoneEditor } from './zone-editor.svelte.ts';

/** The rules as the table ships them, until the row is read. */
const DEFAULT_RULES = { lockdown_to_control_days: 7, control_to_precaution_days: 3, seal_on_case_in_control: true };

/**
 * Cases and the rules that move zones: case reports as commanders record them, the rules'
 * configuration, and the proposals the rules make from them (`zoneProposals`). A proposal is
 * never applied by itself: accepting it puts the change into the editing session (a draft, its
 * impact shown, published like any other), dismissing it needs a reason; both are recorded in
 * `zone_proposal_decisions` and shown in the zone's history.
 */
class Proposals {
  now = $state(new Date());
  busy = $state(false);
  problem = $state<string | null>(null);

  readonly rules = $derived<Pick<ZoneRulesRow, keyof typeof DEFAULT_RULES> & { version?: number }>(
    zoneRules.items[0] ?? DEFAULT_RULES,
  );

  readonly list = $derived.by((): ZoneProposal[] => {
    const index = zoneEditor.index;
    if (!index) return [];
    const zones = staffZones.items;
    const members = new Map(
      zones.filter((z) => z.status === 'active').map((z) => [z.id, index.impact(z.geom).compound_ids]),
    );
    return zoneProposals({
      zones,
      reports: caseReports.items,
      compoundsOf: (id) => members.get(id) ?? [],
      rules: this.rules,
      decisions: proposalDecisions.items,
      today: districtDay(this.now.toISOString()),
    });
  });

  /** Accepting puts the step into the editing session; the commander saves and publishes it. */
  async accept(proposal: ZoneProposal): Promise<boolean> {
    this.problem = null;
    if (proposal.kind === 'step_down') {
      zoneEditor.openId = proposal.zoneId;
      zoneEditor.setFields({ level: proposal.to, effective_from: `${proposal.effectiveOn}T00:00:00+08:00` });
    } else {
      const compound = staffCompounds.items.find((c) => c.id === proposal.compoundId);
      if (!compound) return false;
      zoneEditor.fromCompounds([compound.id], 0, {
        level: 'lockdown',
        name: `${compound.name}封控区`,
        name_en: compound.name_en ? `${compound.name_en} lockdown zone` : null,
      });
    }
    return this.decide(proposal, 'accepted', null);
  }

  dismiss(proposal: ZoneProposal, reason: string): Promise<boolean> {
    return this.decide(proposal, 'dismissed', reason.trim());
  }

  private async decide(proposal: ZoneProposal, decision: 'accepted' | 'dismissed', reason: string | null) {
    if (this.busy) return false;
    this.busy = true;
    try {
      const result = await recordDecision(
        proposal.kind === 'step_down'
          ? {
              kind: 'step_down',
              zone_id: proposal.zoneId,
              proposed_level: proposal.to,
              decision,
              reason,
              basis: { last_case_on: proposal.lastCaseOn, effective_on: proposal.effectiveOn },
            }
          : {
              kind: 'seal',
              zone_id: proposal.zoneId,
              compound_id: proposal.compoundId,
              proposed_level: 'lockdown',
              decision,
              reason,
              basis: { case_report_id: proposal.caseReportId, last_case_on: proposal.reportedOn },
            },
      );
      if (!result.ok) {
        this.problem = result.message;
        return false;
      }
      proposalDecisions.apply({ op: 'upsert', row: result.row });
      return true;
    } finally {
      this.busy = false;
    }
  }

  async report(fields: { compound_id: string; reported_on: string; count: number; source: string }): Promise<boolean> {
    this.problem = null;
    const result = await recordCaseReport(fields);
    if (!result.ok) {
      this.problem = result.message;
      return false;
    }
    caseReports.apply({ op: 'upsert', row: result.row });
    return true;
  }

  async saveRules(patch: Partial<typeof DEFAULT_RULES>): Promise<boolean> {
    const version = this.rules.version;
    if (version === undefined) return false;
    const result = await saveZoneRules(version, patch);
    if (!result.ok) {
      this.problem = result.kind === 'conflict' ? 'rules_changed' : result.message;
      return false;
    }
    // The row's key is the boolean `true` as the table has it (the collection compares it as read).
    zoneRules.apply({ op: 'upsert', row: result.row as unknown as (typeof zoneRules.items)[number] });
    return true;
  }
}

export const proposals = new Proposals();
