/**
 * How many of each thing a city of `scale` has. Scale 1 is the Nantong ETDZ of the spring-2022
 * report (../shared/DOMAIN.md); population-like figures grow linearly with scale, and the
 * figures the report gives for Shanghai in spring 2022 (scale 80: ~25 million residents,
 * 17,600 zones on 11 April, ~15,000 testing sites) are reached by interpolating between the
 * two cities.
 */
export interface Figures {
  residents: number;
  compounds: number;
  /** Households of Jiangshanding (江山鼎), the sealed compound of the report. */
  jiangshandingHouseholds: number;
  testingSites: number;
  mobileTesting: number;
  quarantineSites: number;
  quarantineRooms: number;
  /** Of the quarantine sites: converted apartment buildings and the rooms they add up to. */
  convertedApartments: number;
  convertedRooms: number;
  depots: number;
  keyEnterprises: number;
  /** All enterprises in Laohonggang, key or not. */
  laohonggangEnterprises: number;
  /** Key enterprises in Laohonggang (part of keyEnterprises). */
  laohonggangKeyEnterprises: number;
  /** Enterprises outside Laohonggang that are not key. */
  otherEnterprises: number;
  zones: { lockdown: number; control: number; precaution: number; lifted: number };
}

export const NANTONG = {
  residents: 306_000,
  compounds: 128,
  jiangshandingHouseholds: 569,
  testingSites: 49,
  mobileTesting: 6,
  quarantineSites: 35,
  quarantineRooms: 2_294,
  convertedApartments: 9,
  convertedRooms: 885,
  depots: 4,
  keyEnterprises: 190,
  laohonggangEnterprises: 221,
  laohonggangKeyEnterprises: 70,
  otherEnterprises: 40,
  zones: { lockdown: 4, control: 4, precaution: 1, lifted: 4 },
} as const satisfies Figures;

/** Shanghai on 11 April 2022: 7,624 lockdown, 2,460 control and 7,565 precaution zones. */
const SHANGHAI_SCALE = 80;
const SHANGHAI_ZONES = { lockdown: 7_624, control: 2_460, precaution: 7_565 };
const SHANGHAI_TESTING_SITES = 15_000;

export function figuresFor(scale: number): Figures {
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`scale must be a positive integer, got ${scale}`);
  if (scale === 1) return { ...NANTONG, zones: { ...NANTONG.zones } };
  const t = (scale - 1) / (SHANGHAI_SCALE - 1);
  const lerp = (a: number, b: number) => Math.round(a + (b - a) * t);
  return {
    residents: NANTONG.residents * scale,
    compounds: NANTONG.compounds * scale,
    jiangshandingHouseholds: NANTONG.jiangshandingHouseholds,
    testingSites: lerp(NANTONG.testingSites, SHANGHAI_TESTING_SITES),
    mobileTesting: NANTONG.mobileTesting * scale,
    quarantineSites: NANTONG.quarantineSites * scale,
    quarantineRooms: NANTONG.quarantineRooms * scale,
    convertedApartments: NANTONG.convertedApartments * scale,
    convertedRooms: NANTONG.convertedRooms * scale,
    depots: NANTONG.depots * scale,
    keyEnterprises: NANTONG.keyEnterprises * scale,
    laohonggangEnterprises: NANTONG.laohonggangEnterprises * scale,
    laohonggangKeyEnterprises: NANTONG.laohonggangKeyEnterprises * scale,
    otherEnterprises: NANTONG.otherEnterprises * scale,
    zones: {
      lockdown: lerp(NANTONG.zones.lockdown, SHANGHAI_ZONES.lockdown),
      control: lerp(NANTONG.zones.control, SHANGHAI_ZONES.control),
      precaution: lerp(NANTONG.zones.precaution, SHANGHAI_ZONES.precaution),
      lifted: NANTONG.zones.lifted * scale,
    },
  };
}
