import type { LineString, MultiPolygon, Polygon, Position } from 'geojson';
import type { ZoneDraftRow, ZoneImpact, ZoneRow } from '../domain/rows.ts';
import type { EditContext, OperationResult } from '../edit/operation.ts';
import { createZone, type NewZone } from '../edit/operations/create-zone.ts';
import { importZones } from '../edit/operations/import-zones.ts';
import { addPartToZone, cutOutOfZone } from '../edit/operations/cut-out.ts';
import { discardZone } from '../edit/operations/discard-zone.ts';
import { mergeZones } from '../edit/operations/merge-zones.ts';
import { moveVertex } from '../edit/operations/move-shared-vertex.ts';
import { repairZone } from '../edit/operations/repair-zone.ts';
import { reshapeZone } from '../edit/operations/reshape-zone.ts';
import { ringZone } from '../edit/operations/ring-zone.ts';
import { setFields } from '../edit/operations/set-fields.ts';
import { splitZone } from '../edit/operations/split-zone.ts';
import { stepDown } from '../edit/operations/step-down.ts';
import { zoneFromCompounds } from '../edit/operations/zone-from-compounds.ts';
import { publishSummary, type PublicZoneState, type PublishSummary } from '../edit/publish-summary.ts';
import { EMPTY_HISTORY, redo, transact, undo, type EditHistory } from '../edit/undo-log.ts';
import { NEW_ZONE_PREFIX, rebase, workingFromSaved, type ZoneFields, type WorkingZone } from '../edit/working-zone.ts';
import { buildImpactIndex, type ImpactIndex } from '../geo/impact-index.ts';
import { impactDiff, type ImpactDiff } from '../geo/impact-diff.ts';
import { checkZoneShape, type Issue as ShapeIssue } from '../geo/zone-shape-checks.ts';
import { nestingWarnings, type NestingWarning } from '../geo/nesting-warnings.ts';
import { sharedEdgeZones } from '../geo/shared-vertices.ts';
import type { DrawTool } from '../map/layers/DrawLayer.svelte';
import { zoneImpactOnServer } from '../services/zone-impact-rpc.ts';
import * as writes from '../services/zone-writes.ts';
import { staffCompounds, staffSites, staffZones, zoneDrafts, districts } from './staff-data.svelte.ts';

/** What a drawn shape is for. */
export type DrawPurpose = 'new' | 'cutOut' | 'addPart' | 'split';

/** A save refused because someone else saved first: theirs is shown beside mine. */
export interface Conflict {
  id: string;
  mine: WorkingZone;
  /** The zone as the server has it now (their change), with their draft if any. */
  theirs: WorkingZone | null;
  message: string;
}

/** The figures of a boundary and how they differ from the saved one. */
export interface LiveImpact {
  impact: ZoneImpact;
  diff: ImpactDiff;
}

/** The browser's figures against the `zone_impact` RPC's after a save; shown when they differ. */
export interface ImpactCheck {
  id: string;
  client: ZoneImpact;
  server: ZoneImpact;
}

let counter = 0;

/**
 * The commander's editing session: the zones being edited (apart from saved data until saved),
 * the undo log, the tool in use, live impact while drawing, and the write path (save drafts,
 * publish, revert), with conflicts kept for the commander to resolve.
 */
class ZoneEditor {
  history = $state.raw<EditHistory>(EMPTY_HISTORY);
  /** The zone open for editing (a saved id or a `new-` id). */
  openId = $state<string | null>(null);
  tool = $state<DrawTool | null>(null);
  purpose = $state<DrawPurpose>('new');
  /** The boundary while a drag or a drawing is in progress (null when none). */
  liveGeometry = $state.raw<Polygon | MultiPolygon | null>(null);
  liveRadius = $state<number | null>(null);
  /** A refused operation or write, as an i18n reason code with its detail. */
  problem = $state.raw<{ code: string; detail?: string } | null>(null);
  busy = $state(false);
  conflicts = $state.raw<readonly Conflict[]>([]);
  impactChecks = $state.raw<readonly ImpactCheck[]>([]);
  /**
   * When the last drawing ended (ms): the click that finishes a drawing reaches the map too, and
   * must not select what lies under it.
   */
  toolEndedAt = 0;
  /** The last publish summary asked for (the dialog shows it), with the ids it covers. */
  summary = $state.raw<{ ids: string[]; summary: PublishSummary } | null>(null);

  #index: ImpactIndex | null = null;
  #indexed: unknown[] = [];

  /** The impact index over the compounds and sites read so far (rebuilt when they change). */
  get index(): ImpactIndex | null {
    const compounds = staffCompounds.items;
    const sites = staffSites.items;
    if (this.#indexed[0] !== compounds || this.#indexed[1] !== sites) {
      this.#index = compounds.length ? buildImpactIndex({ compounds, sites }) : null;
      this.#indexed = [compounds, sites];
    }
    return this.#index;
  }

  /** Saved zones by id, and their drafts. */
  readonly saved = $derived(new Map(staffZones.items.map((row) => [row.id, row])));
  readonly drafts = $derived(new Map(zoneDrafts.items.map((row) => [row.zone_id, row])));

  /** A zone as the commander sees it now: this session's copy, else saved with its draft. */
  zone(id: string): WorkingZone | null {
    const session = this.history.zones.get(id);
    if (session) return session;
    const row = this.saved.get(id);
    return row ? workingFromSaved(row, this.drafts.get(id)) : null;
  }

  /** Every zone as the commander sees it (lifted ones included), session edits applied. */
  readonly zones = $derived.by(() => {
    const saved = staffZones.items.map((row): [string, WorkingZone] => [
      row.id,
      workingFromSaved(row, this.drafts.get(row.id)),
    ]);
    return new Map([...saved, ...this.history.zones]);
  });

  readonly open = $derived(this.openId ? (this.zones.get(this.openId) ?? null) : null);
  readonly dirty = $derived(this.history.zones.size > 0);
  readonly canUndo = $derived(this.history.undo.length > 0);
  readonly canRedo = $derived(this.history.redo.length > 0);

  /** Zones with something to publish: never-published drafts and published zones with a saved draft. */
  readonly publishable = $derived(
    staffZones.items.filter(
      (row) => (row.status === 'draft' && !this.history.zones.has(row.id)) || this.drafts.has(row.id),
    ),
  );

  private context(): EditContext {
    return { zone: (id) => this.zone(id), newId: () => `${NEW_ZONE_PREFIX}${Date.now().toString(36)}-${++counter}` };
  }

  /** Applies an operation's edit to the session (recorded for undo), or reports why it was refused. */
  apply(run: (context: EditContext) => OperationResult): boolean {
    const result = run(this.context());
    if (!result.ok) {
      this.problem = { code: result.reason };
      return false;
    }
    this.problem = null;
    this.history = transact(this.history, result.moment);
    return true;
  }

  undo(): void {
    this.liveGeometry = null;
    this.history = undo(this.history);
    this.keepOpenValid();
  }

  redo(): void {
    this.liveGeometry = null;
    this.history = redo(this.history);
    this.keepOpenValid();
  }

  private keepOpenValid(): void {
    if (this.openId && !this.zones.has(this.openId)) this.openId = null;
  }

  // --- drawing ---------------------------------------------------------------------------

  startTool(tool: DrawTool, purpose: DrawPurpose = 'new'): void {
    this.tool = tool;
    this.purpose = purpose;
    this.problem = null;
    this.liveGeometry = null;
    this.liveRadius = null;
  }

  /** Escape: stops the current drawing, nothing is kept. */
  cancelTool(): void {
    this.toolEndedAt = performance.now();
    this.tool = null;
    this.liveGeometry = null;
    this.liveRadius = null;
  }

  setLive(geometry: Polygon | MultiPolygon | null, radius: number | null): void {
    this.liveGeometry = geometry;
    this.liveRadius = radius;
  }

  /** A shape was drawn: a new zone, a part to add or cut out, or a split line. */
  drawn(
    geometry: Polygon | LineString,
    names: { name: string; name_en: string | null },
    level: ZoneFields['level'],
  ): void {
    const purpose = this.purpose;
    const openId = this.openId;
    this.toolEndedAt = performance.now();
    this.tool = null;
    this.liveGeometry = null;
    if (geometry.type === 'LineString') {
      if (openId) this.apply((c) => splitZone(c, openId, geometry));
      return;
    }
    if (purpose === 'cutOut' && openId) this.apply((c) => cutOutOfZone(c, openId, geometry));
    else if (purpose === 'addPart' && openId) this.apply((c) => addPartToZone(c, openId, geometry));
    else if (this.apply((c) => createZone(c, { geom: geometry, level, ...names, note: 'draw' }))) this.openLatestNew();
  }

  /** A reshaping drag ended: one moved vertex moves every zone sharing it, anything else reshapes the open zone. */
  reshaped(geometry: MultiPolygon, moved: { from: Position; to: Position } | null): void {
    const id = this.openId;
    if (!id) return;
    this.liveGeometry = null;
    if (moved) {
      const neighbours = this.neighbours(id);
      if (neighbours.length) {
        this.apply((c) => moveVertex(c, [id, ...neighbours], moved.from, moved.to));
        return;
      }
    }
    this.apply((c) => reshapeZone(c, id, geometry));
  }

  /** Zones on the map sharing a vertex with zone `id` (their shared boundary moves with it). */
  neighbours(id: string): string[] {
    const zone = this.zones.get(id);
    if (!zone) return [];
    const others = [...this.zones.values()]
      .filter((other) => other.id !== id && other.fields.status !== 'lifted')
      .map((other) => ({ id: other.id, geom: other.fields.geom }));
    return sharedEdgeZones({ id, geom: zone.fields.geom }, others);
  }

  /** Zones read from a file become new drafts in the session, one undoable edit. */
  importZones(zones: readonly NewZone[]): boolean {
    return this.apply((c) => importZones(c, zones));
  }

  // --- operations on the open zone -------------------------------------------------------

  setFields(fields: Partial<Omit<ZoneFields, 'geom'>>): void {
    const id = this.openId;
    if (id) this.apply((c) => setFields(c, id, fields));
  }

  stepDown(now = new Date()): void {
    const id = this.openId;
    if (id) this.apply((c) => stepDown(c, id, now));
  }

  repair(): void {
    const id = this.openId;
    if (id) this.apply((c) => repairZone(c, id));
  }

  ring(metres: number, names: { name: string; name_en: string | null }): void {
    const id = this.openId;
    if (id && this.apply((c) => ringZone(c, id, metres, names))) this.openLatestNew();
  }

  mergeWith(otherId: string): void {
    const id = this.openId;
    if (id) this.apply((c) => mergeZones(c, id, otherId));
  }

  fromCompounds(
    ids: readonly string[],
    margin: number,
    zone: { level: ZoneFields['level']; name: string; name_en: string | null },
  ): void {
    const chosen = staffCompounds.items.filter((compound) => ids.includes(compound.id));
    if (this.apply((c) => zoneFromCompounds(c, chosen, margin, zone))) this.openLatestNew();
  }

  discard(id: string): void {
    this.apply(() => discardZone(id));
    this.keepOpenValid();
  }

  private openLatestNew(): void {
    const moment = this.history.undo.at(-1);
    // The inverse of a creation removes the new zone: that id is the one just made.
    const created = moment?.remove.find((id) => id.startsWith(NEW_ZONE_PREFIX));
    if (created) this.openId = created;
  }

  // --- figures and checks ----------------------------------------------------------------

  /** The open zone's boundary now: the drag or drawing in progress, else its edited boundary. */
  readonly currentGeometry = $derived<Polygon | MultiPolygon | null>(
    this.liveGeometry ?? this.open?.fields.geom ?? null,
  );

  /** The boundary the public sees now for the open zone (null for a zone never published). */
  readonly publishedGeometry = $derived.by(() => {
    const row = this.openId ? this.saved.get(this.openId) : undefined;
    return row && row.status === 'active' ? row.geom : null;
  });

  /** Figures of what is being drawn or edited, and the difference from the published boundary. */
  /** What the published boundary covers: computed when it changes, not on every frame of a drag. */
  readonly publishedImpact = $derived.by((): ZoneImpact | null => {
    const index = this.index;
    return index && this.publishedGeometry ? index.impact(this.publishedGeometry) : null;
  });

  readonly liveImpact = $derived.by((): LiveImpact | null => {
    const index = this.index;
    const geometry = this.tool ? this.liveGeometry : this.currentGeometry;
    if (!index || !geometry) return null;
    const impact = index.impact(geometry);
    return { impact, diff: impactDiff(this.tool ? null : this.publishedImpact, impact) };
  });

  /** What blocks saving the open zone (self-intersections with their points, too small, outside the district). */
  readonly issues = $derived.by((): ShapeIssue[] => {
    const zone = this.open;
    if (!zone) return [];
    return checkZoneShape(zone.fields.geom, { district: districts.items.map((district) => district.geom) }).blocking;
  });

  /** Nesting rules (warnings only): lockdown inside control, control inside precaution, no overlap within a level. */
  readonly warnings = $derived.by((): NestingWarning[] => {
    const zone = this.open;
    if (!zone || zone.fields.status === 'lifted' || this.issues.length) return [];
    const others = [...this.zones.values()]
      .filter((other) => other.id !== zone.id && other.fields.status !== 'lifted')
      .map((other) => ({ id: other.id, level: other.fields.level, geom: other.fields.geom }));
    return nestingWarnings({ id: zone.id, level: zone.fields.level, geom: zone.fields.geom }, others);
  });

  // --- writes ----------------------------------------------------------------------------

  /**
   * Saves every zone edited in this session as a draft: a new zone is created (status draft), a
   * never-published one is saved in place, a published or lifted one gets a pending draft. Each
   * carries the version it started from; a stale one is kept as a conflict, the others are saved.
   */
  async save(): Promise<void> {
    if (this.busy || !this.dirty) return;
    const blocked = [...this.history.zones.values()].find(
      (zone) =>
        checkZoneShape(zone.fields.geom, { district: districts.items.map((district) => district.geom) }).blocking
          .length,
    );
    if (blocked) {
      this.openId = blocked.id;
      this.problem = { code: 'fix_before_saving' };
      return;
    }
    this.busy = true;
    this.problem = null;
    const conflicts: Conflict[] = [];
    try {
      for (const zone of [...this.history.zones.values()]) {
        const outcome = await this.saveOne(zone);
        if (outcome === 'conflict') conflicts.push(await this.conflictOf(zone));
      }
    } finally {
      this.busy = false;
    }
    this.conflicts = [...this.conflicts.filter((c) => !conflicts.some((n) => n.id === c.id)), ...conflicts];
    // What was saved is now saved data; undo covers the unsaved session only.
    this.history = { zones: this.history.zones, undo: [], redo: [] };
  }

  private async saveOne(zone: WorkingZone): Promise<'saved' | 'conflict' | 'failed'> {
    const { fields, base } = zone;
    let result: writes.WriteResult<ZoneRow | ZoneDraftRow>;
    if (!base) {
      result = await writes.createZone({ ...fields, status: undefined } as never);
    } else if (base.status === 'draft') {
      result = await writes.saveZone(zone.id, base.version, fields);
    } else {
      // A draft keeps a published zone public or lifts it; it never turns it back into a draft.
      result = await writes.saveZoneDraft(zone.id, base.version, base.draftVersion, {
        ...fields,
        status: fields.status === 'lifted' ? 'lifted' : 'active',
      });
    }
    if (!result.ok) {
      if (result.kind === 'conflict') return 'conflict';
      this.problem = { code: `write_${result.kind}`, detail: result.message };
      return 'failed';
    }
    const row = result.row;
    if ('zone_id' in row) zoneDrafts.apply({ op: 'upsert', row: { ...row, id: row.zone_id } });
    else staffZones.apply({ op: 'upsert', row });
    const savedId = 'zone_id' in row ? row.zone_id : row.id;
    this.history = { ...this.history, zones: new Map([...this.history.zones].filter(([id]) => id !== zone.id)) };
    if (this.openId === zone.id) this.openId = savedId;
    void this.confirmImpact(savedId, fields.geom);
    return 'saved';
  }

  /** After a save, the database's figures confirm the browser's; a difference is kept and shown. */
  private async confirmImpact(id: string, geom: MultiPolygon): Promise<void> {
    const index = this.index;
    if (!index) return;
    const server = await zoneImpactOnServer(geom);
    if (!server) return;
    const client = index.impact(geom);
    const same =
      client.households === server.households &&
      client.residents === server.residents &&
      JSON.stringify(client.compound_ids) === JSON.stringify(server.compound_ids) &&
      JSON.stringify(client.sites) === JSON.stringify(server.sites) &&
      client.key_enterprises === server.key_enterprises;
    this.impactChecks = [
      ...this.impactChecks.filter((check) => check.id !== id),
      ...(same ? [] : [{ id, client, server }]),
    ];
  }

  private async conflictOf(mine: WorkingZone): Promise<Conflict> {
    await Promise.all([staffZones.refresh(mine.id), zoneDrafts.resync()]);
    const row = this.saved.get(mine.id);
    return {
      id: mine.id,
      mine,
      theirs: row ? workingFromSaved(row, this.drafts.get(mine.id)) : null,
      message: row?.updated_at ?? '',
    };
  }

  /** Keeps my version of a conflicting zone: it is edited again on top of theirs, ready to save. */
  reapply(id: string): void {
    const conflict = this.conflicts.find((c) => c.id === id);
    if (!conflict) return;
    this.conflicts = this.conflicts.filter((c) => c.id !== id);
    const theirs = conflict.theirs;
    if (!theirs) return;
    this.apply(() => ({
      ok: true,
      moment: { note: 'reapply', remove: [], put: [rebase(conflict.mine, theirs)] },
    }));
    this.openId = id;
  }

  /** Drops my version of a conflicting zone: theirs stands. */
  discardMine(id: string): void {
    this.conflicts = this.conflicts.filter((c) => c.id !== id);
    if (this.history.zones.has(id)) this.discard(id);
  }

  /** Prepares the summary of what publishing these zones changes for the public (the dialog shows it). */
  preparePublish(ids: readonly string[]): void {
    const index = this.index;
    if (!index) return;
    const published: PublicZoneState[] = staffZones.items
      .filter((row) => row.status === 'active')
      .map((row) => ({ id: row.id, name: row.name, level: row.level, status: row.status, geom: row.geom }));
    const pending: PublicZoneState[] = ids.flatMap((id) => {
      const zone = this.zone(id);
      if (!zone) return [];
      const status = zone.base?.status === 'draft' ? 'active' : zone.fields.status;
      return [{ id, name: zone.fields.name, level: zone.fields.level, status, geom: zone.fields.geom }];
    });
    const households = new Map(staffCompounds.items.map((compound) => [compound.id, compound.households]));
    this.summary = {
      ids: [...ids],
      summary: publishSummary(
        published,
        pending,
        (geom) => index.impact(geom).compound_ids,
        (id) => households.get(id) ?? 0,
      ),
    };
  }

  /** Publishes the summarised zones in one transaction: all of them go live, or none. */
  async publish(): Promise<boolean> {
    const pending = this.summary;
    if (!pending || this.busy) return false;
    this.busy = true;
    try {
      const items = pending.ids.map((id) => ({ id, expected_version: this.saved.get(id)?.version ?? 0 }));
      const result = await writes.publishZones(items);
      if (!result.ok) {
        this.problem = {
          code: result.kind === 'conflict' ? 'publish_conflict' : `write_${result.kind}`,
          detail: result.message,
        };
        return false;
      }
      for (const row of result.row) staffZones.apply({ op: 'upsert', row });
      for (const id of pending.ids) zoneDrafts.apply({ op: 'remove', id });
      this.summary = null;
      this.problem = null;
      return true;
    } finally {
      this.busy = false;
    }
  }

  /** Discards a saved draft of a published zone (the published zone stands). */
  async discardDraft(id: string): Promise<void> {
    const draft = this.drafts.get(id);
    if (!draft || this.busy) return;
    this.busy = true;
    try {
      const result = await writes.discardZoneDraft(id, draft.version);
      if (result.ok) zoneDrafts.apply({ op: 'remove', id });
      else this.problem = { code: `write_${result.kind}`, detail: result.message };
    } finally {
      this.busy = false;
    }
  }

  /** Writes an earlier revision back as a new version of the zone. */
  async revert(id: string, toVersion: number): Promise<boolean> {
    const row = this.saved.get(id);
    if (!row || this.busy) return false;
    this.busy = true;
    try {
      const result = await writes.revertZone(id, toVersion, row.version);
      if (!result.ok) {
        this.problem = {
          code: result.kind === 'conflict' ? 'revert_conflict' : `write_${result.kind}`,
          detail: result.message,
        };
        return false;
      }
      staffZones.apply({ op: 'upsert', row: result.row });
      return true;
    } finally {
      this.busy = false;
    }
  }
}

export const zoneEditor = new ZoneEditor();
