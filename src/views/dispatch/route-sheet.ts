import type { Position } from 'geojson';
import { formatDistrictTime } from '../../domain/district-time.ts';
import type { Locale } from '../../navigation/hash-state.ts';
import type { PlannedRun } from '../../routing/plan-run.ts';
import type { TurnStep } from '../../routing/turn-list.ts';
import { csvText, type CsvValue } from '../../io/csv.ts';
import { translate } from '../../ui/i18n/translate.ts';

/** A stop of the sheet: where to hand over what, and when the truck should be there. */
export interface SheetStop {
  n: number;
  id: string;
  name: string;
  /** The drop point, "lng, lat" to 6 decimals (about 0.1 m): what a driver types into a phone map. */
  dropPoint: string;
  parcels: number;
  /** Planned arrival, district time (HH:mm), or '—' without a route. */
  arrival: string;
}

/** One instruction of the turn list. */
export interface SheetTurn {
  n: number;
  text: string;
  /** Length of the stretch after the manoeuvre, worded ("1.2 km"); '' for an arrival. */
  distance: string;
  metres: number;
}

/** The driving from one place to the next: where it goes, and its turns. */
export interface SheetLeg {
  /** "To 江山鼎 (stop 1)" or "Back to 东区仓库". */
  title: string;
  turns: SheetTurn[];
  /** True when the leg has no route under the closures in force. */
  noRoute: boolean;
}

export interface RouteSheet {
  truck: string;
  start: string;
  /** Departure, district time. */
  departure: string;
  totals: string;
  stops: SheetStop[];
  legs: SheetLeg[];
}

export interface RouteSheetContext {
  locale: Locale;
  /** Name of the depot or expressway entry the run starts at (and returns to). */
  startName: string;
  /** Names of the stops, by id, in the reader's language. */
  stopName: (id: string) => string;
  /** Parcels of a stop, by id (0 for a testing team's visit). */
  parcels: (id: string) => number;
  dropPoint: (id: string) => Position | null;
  departure: Date;
}

const MANOEUVRE_KEY = {
  depart: 'dispatch.turn.depart',
  straight: 'dispatch.turn.straight',
  'slight-left': 'dispatch.turn.slightLeft',
  'slight-right': 'dispatch.turn.slightRight',
  left: 'dispatch.turn.left',
  right: 'dispatch.turn.right',
  'sharp-left': 'dispatch.turn.sharpLeft',
  'sharp-right': 'dispatch.turn.sharpRight',
  'u-turn': 'dispatch.turn.uTurn',
  arrive: 'dispatch.turn.arrive',
} as const;

/** A driving distance: tens of metres below a kilometre, then tenths of a kilometre. */
function distanceText(locale: Locale, metres: number): string {
  if (metres < 1000) return translate(locale, 'unit.m', { value: Math.max(10, Math.round(metres / 10) * 10) });
  return translate(locale, 'unit.km', { value: (metres / 1000).toFixed(1) });
}

/** The words of one step: "Turn left onto 振兴路", "到达江山鼎". */
export function turnText(locale: Locale, step: TurnStep, place: string): string {
  const named = locale === 'en' ? (step.nameEn ?? step.name) : (step.name ?? step.nameEn);
  const road = named ?? translate(locale, 'dispatch.turn.unnamed');
  return translate(locale, MANOEUVRE_KEY[step.manoeuvre], { road, place });
}

/**
 * The printable sheet of a run: the stops in order with their drop points, parcels and planned
 * arrivals, then each leg's turn list by road name. Pure: the view lays it out and prints it,
 * `routeSheetCsv` exports it.
 */
export function routeSheet(run: PlannedRun, context: RouteSheetContext): RouteSheet {
  const { locale } = context;
  const clock = (seconds: number) =>
    Number.isFinite(seconds) ? formatDistrictTime(locale, new Date(context.departure.getTime() + seconds * 1000)) : '—';
  const stops: SheetStop[] = run.stops.map((stop, i) => {
    const p = context.dropPoint(stop.id);
    return {
      n: i + 1,
      id: stop.id,
      name: context.stopName(stop.id),
      dropPoint: p ? `${p[0].toFixed(6)}, ${p[1].toFixed(6)}` : '—',
      parcels: context.parcels(stop.id),
      arrival: clock(stop.arrivalSeconds),
    };
  });
  const legs: SheetLeg[] = run.legs.map((leg, i) => {
    const back = i >= run.stops.length;
    const place = back ? context.startName : stops[i].name;
    return {
      title: back
        ? translate(locale, 'dispatch.sheet.back', { place })
        : translate(locale, 'dispatch.sheet.to', { place, n: i + 1 }),
      noRoute: !Number.isFinite(leg.seconds),
      turns: leg.turns.map((step, k) => ({
        n: k + 1,
        text: turnText(locale, step, place),
        distance: step.manoeuvre === 'arrive' ? '' : distanceText(locale, step.metres),
        metres: step.metres,
      })),
    };
  });
  return {
    truck: run.truck,
    start: context.startName,
    departure: formatDistrictTime(locale, context.departure),
    totals: translate(locale, 'dispatch.sheet.totals', {
      minutes: Number.isFinite(run.seconds) ? Math.round(run.seconds / 60) : '—',
      km: (run.metres / 1000).toFixed(1),
      parcels: run.load,
    }),
    stops,
    legs,
  };
}

/**
 * The sheet as CSV for a spreadsheet or another system: the stops (`stop` rows), then every
 * instruction (`turn` rows, numbered per leg), with a header row. Lines end in CRLF.
 */
export function routeSheetCsv(sheet: RouteSheet): string {
  const rows: CsvValue[][] = [['kind', 'leg', 'n', 'text', 'drop_point', 'parcels', 'arrival', 'metres']];
  for (const stop of sheet.stops)
    rows.push(['stop', stop.n, stop.n, stop.name, stop.dropPoint, stop.parcels, stop.arrival, '']);
  sheet.legs.forEach((leg, i) => {
    for (const turn of leg.turns) rows.push(['turn', i + 1, turn.n, turn.text, '', '', '', Math.round(turn.metres)]);
  });
  return csvText(rows);
}
