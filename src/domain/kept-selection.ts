/** The row a card shows for a selection, and whether it has left the live collection. */
export interface KeptRow<T> {
  row: T;
  /** True when the row is no longer in the collection: the card shows its last known state. */
  gone: boolean;
}

/**
 * The row to show for the selected id: the live one while the collection holds it, else the row
 * last shown for the same id (a zone lifted, a site removed while its card was open), else null
 * (nothing known of the id: a link to a zone lifted before the page opened).
 */
export function keptRow<T extends { id: string }>(
  id: string | null,
  items: readonly T[],
  last: KeptRow<T> | null,
): KeptRow<T> | null {
  if (id === null) return null;
  const row = items.find((item) => item.id === id);
  if (row) return { row, gone: false };
  return last && last.row.id === id ? { row: last.row, gone: true } : null;
}

/** `keptRow` with its memory: call it with the selected id and the live rows each time they change. */
export function rowKeeper<T extends { id: string }>(): (id: string | null, items: readonly T[]) => KeptRow<T> | null {
  let last: KeptRow<T> | null = null;
  return (id, items) => (last = keptRow(id, items, last));
}
