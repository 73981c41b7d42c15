import type {
  CaseReportRow,
  RecordCaseReportFields,
  RecordConflictDetails,
  ZoneProposalDecisionInput,
  ZoneProposalDecisionRow,
  ZoneRulesPatch,
  ZoneRulesRow,
} from '../domain/rows.ts';
import { supabase } from './supabase.ts';
import { callWrite as call, toWriteFailure, type WriteResult } from './write-result.ts';

/**
 * The commander's writes for the rules that move zones (…1800 to …2000 migrations): case reports
 * (validated, with their revision trail), the rules' configuration (versioned), and the record of
 * an answer to a proposal (insert only). Each resolves, never throws, for what the server refuses.
 */
export function recordCaseReport(
  fields: RecordCaseReportFields,
  client = supabase,
): Promise<WriteResult<CaseReportRow, RecordConflictDetails>> {
  return call('record_case_report', { fields }, client);
}

export function saveZoneRules(
  expectedVersion: number,
  patch: ZoneRulesPatch,
  client = supabase,
): Promise<WriteResult<ZoneRulesRow, RecordConflictDetails>> {
  return call('save_zone_rules', { expected_version: expectedVersion, patch }, client);
}

/** Records a commander's answer to a proposal; the database fills who, when and the zone's version. */
export async function recordDecision(
  input: ZoneProposalDecisionInput,
  client = supabase,
): Promise<WriteResult<ZoneProposalDecisionRow>> {
  try {
    const { data, error, status } = await client().from('zone_proposal_decisions').insert(input).select('*').single();
    if (error) return toWriteFailure({ error, status });
    return { ok: true, row: data as ZoneProposalDecisionRow };
  } catch (e) {
    return { ok: false, kind: 'network', message: e instanceof Error ? e.message : String(e) };
  }
}
