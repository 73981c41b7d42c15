import { addDays, startOfDistrictDay } from './district-time.ts';

/**
 * Whether a publication's changes file holds every public revision since a held state: the file
 * holds those since the district's previous midnight (public_map_changes()), so it does when the
 * held state's last change is no older than that midnight, counted from when the file was written.
 */
export function changesCover(heldChangedAt: string, publishedAt: string): boolean {
  const previousMidnight = addDays(startOfDistrictDay(new Date(publishedAt)), -1);
  return Date.parse(heldChangedAt) >= previousMidnight.getTime();
}
