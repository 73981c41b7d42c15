import type {
  CaseReportRow,
  CompoundRow,
  DeliveryRow,
  DeliveryStopRow,
  DistrictRow,
  SiteRow,
  ZoneProposalDecisionRow,
  ZoneRow,
  ZoneRulesRow,
} from '../domain/rows.ts';
import {
  caseReportsRepo,
  deliveriesRepo,
  deliveryStopsRepo,
  districtsRepo,
  staffCompoundsRepo,
  staffSitesRepo,
  staffZonesRepo,
  proposalDecisionsRepo,
  zoneDraftsRepo,
  zoneRulesRepo,
  type StaffDraft,
} from '../services/staff-repos.ts';
import { LiveCollection } from './live-collection.svelte.ts';

/**
 * What staff screens read, apart from the public map's stores: every zone of every status
 * (drafts, lifted), pending drafts of published zones, every site, and the compounds and
 * sub-districts with everything staff may see. Kept live by the staff feed (`startStaffSync`).
 */
export const staffZones = new LiveCollection<ZoneRow>(staffZonesRepo());
export const zoneDrafts = new LiveCollection<StaffDraft>(zoneDraftsRepo());
export const staffSites = new LiveCollection<SiteRow>(staffSitesRepo());
export const staffCompounds = new LiveCollection<CompoundRow>(staffCompoundsRepo());
export const districts = new LiveCollection<DistrictRow>(districtsRepo());
export const deliveries = new LiveCollection<DeliveryRow>(deliveriesRepo());
export const deliveryStops = new LiveCollection<DeliveryStopRow>(deliveryStopsRepo());
export const caseReports = new LiveCollection<CaseReportRow>(caseReportsRepo());
export const zoneRules = new LiveCollection<Omit<ZoneRulesRow, 'id'> & { id: string }>(zoneRulesRepo());
export const proposalDecisions = new LiveCollection<ZoneProposalDecisionRow>(proposalDecisionsRepo());
