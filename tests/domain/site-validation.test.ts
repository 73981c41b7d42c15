import { describe, expect, it } from 'vitest';
import {
  siteFieldsFor,
  validateCounts,
  validateHours,
  validateKindFields,
  validateName,
  validateRooms,
  validateSite,
  type SiteFields,
} from '../../src/domain/site-validation.ts';

const blank: SiteFields = {
  kind: 'testing_site',
  name: '竹行街道核酸检测点',
  name_en: null,
  status: 'open',
  capacity_per_hour: 300,
  opens: '08:00',
  closes: '17:30',
  queue_length: 0,
  state: null,
  road: null,
  pass_required: null,
  rooms_total: null,
  rooms_ready: null,
  rooms_occupied: null,
  site_type: null,
  key: null,
};
const quarantine: SiteFields = {
  ...blank,
  kind: 'quarantine_site',
  status: null,
  capacity_per_hour: null,
  opens: null,
  closes: null,
  queue_length: null,
  site_type: 'hotel',
  rooms_total: 120,
  rooms_ready: 100,
  rooms_occupied: 80,
};

describe('site validations', () => {
  it('passes a well-formed testing site and quarantine site', () => {
    expect(validateSite(blank)).toEqual([]);
    expect(validateSite(quarantine)).toEqual([]);
  });

  it('needs a name', () => {
    expect(validateName({ ...blank, name: '  ' })).toEqual([{ field: 'name', reason: 'required' }]);
  });

  it('takes whole, non-negative, sane counts', () => {
    expect(validateCounts({ ...blank, capacity_per_hour: 2.5 })).toEqual([
      { field: 'capacity_per_hour', reason: 'not_whole' },
    ]);
    expect(validateCounts({ ...blank, queue_length: -1 })).toEqual([{ field: 'queue_length', reason: 'negative' }]);
    expect(validateCounts({ ...blank, capacity_per_hour: 5_000_000 })).toEqual([
      { field: 'capacity_per_hour', reason: 'too_large' },
    ]);
  });

  it('takes hours as times of day, both or neither; past midnight is fine', () => {
    expect(validateHours({ ...blank, opens: '25:00' })).toEqual([{ field: 'opens', reason: 'bad_time' }]);
    expect(validateHours({ ...blank, closes: '8am' })).toEqual([{ field: 'closes', reason: 'bad_time' }]);
    expect(validateHours({ ...blank, closes: null })).toEqual([{ field: 'closes', reason: 'hours_half' }]);
    expect(validateHours({ ...blank, opens: '', closes: '' })).toEqual([]);
    expect(validateHours({ ...blank, opens: '20:00', closes: '02:00' })).toEqual([]);
  });

  it('keeps occupied ≤ ready ≤ total', () => {
    expect(validateRooms({ ...quarantine, rooms_ready: 130 })).toEqual([
      { field: 'rooms_ready', reason: 'ready_over_total' },
    ]);
    expect(validateRooms({ ...quarantine, rooms_occupied: 101 })).toEqual([
      { field: 'rooms_occupied', reason: 'occupied_over_ready' },
    ]);
    // Without a ready count, occupied rooms are held against the total.
    expect(validateRooms({ ...quarantine, rooms_ready: null, rooms_occupied: 120 })).toEqual([]);
    expect(validateRooms({ ...quarantine, rooms_ready: null, rooms_occupied: 121 })).toEqual([
      { field: 'rooms_occupied', reason: 'occupied_over_ready' },
    ]);
  });

  it('asks each kind for what it must have, and only known values', () => {
    expect(validateKindFields({ ...blank, kind: 'checkpoint', state: null })).toEqual([
      { field: 'state', reason: 'required' },
    ]);
    expect(validateKindFields({ ...quarantine, rooms_total: null, site_type: null })).toEqual([
      { field: 'rooms_total', reason: 'required' },
      { field: 'site_type', reason: 'required' },
    ]);
    expect(validateKindFields({ ...blank, status: 'maybe' as never })).toEqual([
      { field: 'status', reason: 'unknown_value' },
    ]);
    expect(siteFieldsFor('quarantine_site')).toContain('rooms_occupied');
    expect(siteFieldsFor('checkpoint')).not.toContain('rooms_total');
  });

  it('reports one problem per field, every field at once', () => {
    const problems = validateSite({ ...quarantine, name: '', rooms_total: -5, rooms_ready: 10, rooms_occupied: 11 });
    expect(problems).toEqual([
      { field: 'name', reason: 'required' },
      { field: 'rooms_total', reason: 'negative' },
      { field: 'rooms_ready', reason: 'ready_over_total' },
      { field: 'rooms_occupied', reason: 'occupied_over_ready' },
    ]);
  });
});
