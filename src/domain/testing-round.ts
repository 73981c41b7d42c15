/**
 * Hours one round of testing takes: every resident tested once at the combined hourly capacity
 * of the sites doing it (pass the operating ones), with no queue left over. `Infinity` when
 * there is no capacity (no site, or none with a positive capacity), whatever the residents.
 * Capacities that are not positive finite numbers count for nothing; residents below 0 as 0.
 */
export function testingRoundHours(residents: number, capacitiesPerHour: readonly number[]): number {
  let capacity = 0;
  for (const perHour of capacitiesPerHour) if (perHour > 0 && Number.isFinite(perHour)) capacity += perHour;
  if (capacity === 0) return Infinity;
  return Math.max(0, residents) / capacity;
}
