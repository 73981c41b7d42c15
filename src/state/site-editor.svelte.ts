import type { Position } from 'geojson';
import type { SiteKind, SiteRow } from '../domain/rows.ts';
import { siteFieldsFor, validateSite, type SiteFields, type SiteProblem } from '../domain/site-validation.ts';
import type { SitePatch } from '../domain/rows.ts';
import { createSite, listTeamEnterprises, saveSite, setTeamEnterprises } from '../services/site-writes.ts';
import { staffSites } from './staff-data.svelte.ts';

/** The fields of a site row a commander edits. */
function fieldsOf(site: SiteRow): SiteFields {
  const { kind, name, name_en, status, capacity_per_hour, opens, closes, queue_length, state, road } = site;
  const { pass_required, rooms_total, rooms_ready, rooms_occupied, site_type, key } = site;
  return {
    kind,
    name,
    name_en,
    status,
    capacity_per_hour,
    opens: opens?.slice(0, 5) ?? null,
    closes: closes?.slice(0, 5) ?? null,
    queue_length,
    state,
    road,
    pass_required,
    rooms_total,
    rooms_ready,
    rooms_occupied,
    site_type,
    key,
  };
}

/** A new site of a kind, with what that kind needs to start from. */
function newFields(kind: SiteKind): SiteFields {
  return {
    kind,
    name: '',
    name_en: null,
    status: kind === 'testing_site' || kind === 'mobile_testing' ? 'open' : null,
    capacity_per_hour: null,
    opens: null,
    closes: null,
    queue_length: null,
    state: kind === 'checkpoint' ? 'open' : null,
    road: null,
    pass_required: kind === 'checkpoint' ? false : null,
    rooms_total: kind === 'quarantine_site' ? 0 : null,
    rooms_ready: null,
    rooms_occupied: null,
    site_type: kind === 'quarantine_site' ? 'converted_apartment' : null,
    key: kind === 'enterprise' ? false : null,
  };
}

/** Why the last save did not go through (worded by the panel), or that it did. */
export type SiteSaveOutcome = { kind: 'saved' } | { kind: 'conflict' } | { kind: 'refused'; message: string };

/**
 * The commander's site editing: the site chosen (from the list or the map), its form, a new
 * site being placed, a move by dragging. Edits stay in the form until saved; every save is one
 * versioned write (`save_site`), so two commanders editing one site never overwrite each other
 * silently: the later save is refused and the form shows the site as it now is.
 */
class SiteEditor {
  kind = $state<SiteKind>('testing_site');
  query = $state('');
  selectedId = $state<string | null>(null);
  form = $state<SiteFields | null>(null);
  /** Where the site is, or where it is being moved or placed. */
  position = $state.raw<Position | null>(null);
  /** A new site waits for a click on the map, then for its form. */
  placing = $state(false);
  saving = $state(false);
  outcome = $state.raw<SiteSaveOutcome | null>(null);
  /** A mobile testing team's enterprises: as saved, and as the form has them (null until read). */
  teamEnterprises = $state.raw<readonly string[] | null>(null);
  teamEnterprisesSaved = $state.raw<readonly string[] | null>(null);

  readonly selected = $derived(staffSites.items.find((site) => site.id === this.selectedId) ?? null);
  readonly problems = $derived.by((): SiteProblem[] => (this.form ? validateSite(this.form) : []));
  readonly isNew = $derived(this.form !== null && this.selectedId === null);
  readonly moved = $derived.by(() => {
    const was = this.selected?.geom.coordinates;
    const now = this.position;
    return !!was && !!now && (was[0] !== now[0] || was[1] !== now[1]);
  });

  /** Sites of the chosen kind matching the query, by name. */
  readonly listed = $derived.by(() => {
    const needle = this.query.trim().toLowerCase();
    return staffSites.items
      .filter((site) => site.kind === this.kind)
      .filter(
        (site) =>
          !needle || site.name.toLowerCase().includes(needle) || (site.name_en ?? '').toLowerCase().includes(needle),
      )
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
  });

  select(id: string | null): void {
    const site = staffSites.items.find((s) => s.id === id) ?? null;
    this.selectedId = site?.id ?? null;
    this.form = site ? fieldsOf(site) : null;
    this.position = site?.geom.coordinates ?? null;
    this.placing = false;
    this.outcome = null;
    this.teamEnterprises = this.teamEnterprisesSaved = null;
    if (site) this.kind = site.kind;
    if (site?.kind === 'mobile_testing') {
      void listTeamEnterprises(site.id).then((ids) => {
        if (this.selectedId !== site.id) return;
        this.teamEnterprises = this.teamEnterprisesSaved = ids;
      });
    }
  }

  toggleEnterprise(id: string): void {
    const now = this.teamEnterprises ?? [];
    this.teamEnterprises = now.includes(id) ? now.filter((e) => e !== id) : [...now, id].sort();
  }

  /** Whether the team's enterprises differ from what is saved. */
  get teamChanged(): boolean {
    const a = this.teamEnterprises;
    const b = this.teamEnterprisesSaved;
    return !!a && !!b && (a.length !== b.length || a.some((id, i) => id !== b[i]));
  }

  /** Starts a new site of the chosen kind: the next click on the map places it. */
  startNew(): void {
    this.select(null);
    this.placing = true;
  }

  /** A click on the map while placing a new site, or a drag of the chosen one. */
  placeAt(at: Position): void {
    if (this.placing) {
      this.placing = false;
      this.form = newFields(this.kind);
    }
    if (this.form) this.position = [Number(at[0].toFixed(6)), Number(at[1].toFixed(6))];
  }

  cancel(): void {
    if (this.selectedId) this.select(this.selectedId);
    else this.select(null);
  }

  /** The fields that differ from the saved row (all of them for a new site). */
  private patch(): SitePatch {
    const form = this.form!;
    const saved = this.selected ? fieldsOf(this.selected) : null;
    const patch: Record<string, unknown> = {};
    for (const field of ['name', 'name_en', ...siteFieldsFor(form.kind)] as const) {
      const value = form[field];
      const normalised = typeof value === 'string' && value.trim() === '' ? null : value;
      if (!saved || normalised !== saved[field]) patch[field] = normalised;
    }
    if (this.moved || !saved) patch.geom = { type: 'Point', coordinates: this.position! };
    return patch as SitePatch;
  }

  async save(): Promise<boolean> {
    if (!this.form || !this.position || this.saving || this.problems.length) return false;
    this.saving = true;
    this.outcome = null;
    try {
      const selected = this.selected;
      const result = selected
        ? await saveSite(selected.id, selected.version, this.patch())
        : await createSite({ ...this.form, geom: { type: 'Point', coordinates: this.position } });
      if (!result.ok) {
        if (result.kind === 'conflict' && selected) {
          // Someone saved first: show the site as it is now; the commander makes the change again.
          this.select(selected.id);
          this.outcome = { kind: 'conflict' };
        } else {
          this.outcome = { kind: 'refused', message: result.message };
        }
        return false;
      }
      staffSites.apply({ op: 'upsert', row: result.row });
      const team = this.teamChanged ? this.teamEnterprises : null;
      if (team) {
        const saved = await setTeamEnterprises(result.row.id, team);
        if (!saved.ok) {
          this.outcome = { kind: 'refused', message: saved.message };
          return false;
        }
      }
      this.select(result.row.id);
      this.outcome = { kind: 'saved' };
      return true;
    } finally {
      this.saving = false;
    }
  }

  /** Closes the chosen site (a testing site or team stops taking people, a checkpoint closes). */
  async closeSite(): Promise<boolean> {
    if (!this.form) return false;
    if (this.form.kind === 'checkpoint') this.form.state = 'closed';
    else this.form.status = 'closed';
    return this.save();
  }
}

export const siteEditor = new SiteEditor();
