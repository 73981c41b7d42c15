import type { ServerResponse } from 'node:http';
import { RestError } from './errors.ts';
import type { RestRequest } from './request.ts';
import type { ResultRow } from './sql/read.ts';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

export function send(res: ServerResponse, reply: Reply, head: boolean): void {
  const headers: Record<string, string | number> = { ...reply.headers };
  if (reply.body !== null) {
    headers['Content-Length'] = Buffer.byteLength(reply.body);
    if (!headers['Content-Type']) headers['Content-Type'] = 'application/json; charset=utf-8';
  }
  res.writeHead(reply.status, headers);
  res.end(head || reply.status === 204 ? undefined : (reply.body ?? undefined));
}

export function sendError(res: ServerResponse, e: RestError): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  send(res, { status: e.status, headers: { ...e.headers }, body: JSON.stringify(e.body()) }, false);
}

const asNumber = (v: number | string | null | undefined) => (v === null || v === undefined ? null : Number(v));

export interface ReadCounts {
  offset: number;
  page: number;
  total: number | null;
}

export function countsOf(
  row: { pgrst_page: number | string; pgrst_total: number | string | null },
  offset: number,
): ReadCounts {
  return { offset, page: Number(row.pgrst_page), total: asNumber(row.pgrst_total) };
}

/** `Content-Range` and 200 / 206 / 416 of a read, as PostgREST computes them. */
export function readRange({ offset, page, total }: ReadCounts): { status: number; range: string } {
  if (total !== null && offset > total) {
    throw new RestError(
      416,
      'PGRST103',
      'Requested range not satisfiable',
      `An offset of ${offset} was requested, but there are only ${total} rows.`,
      null,
      {
        'Content-Range': `*/${total}`,
      },
    );
  }
  const range = page > 0 ? `${offset}-${offset + page - 1}/${total ?? '*'}` : `*/${total ?? '*'}`;
  return { status: total !== null && page < total ? 206 : 200, range };
}

/** `Prefer: handling=strict, max-affected=n` and more rows affected (or, for a function, returned). */
export function maxAffectedError(rows: number): RestError {
  return new RestError(
    400,
    'PGRST124',
    'Query result exceeds max-affected preference constraint',
    `The query affects ${rows} rows`,
  );
}

export function singleObjectError(rows: number): RestError {
  return new RestError(
    406,
    'PGRST116',
    'Cannot coerce the result to a single JSON object',
    `The result contains ${rows} rows`,
  );
}

/** Status, `Content-Range` and body of anything rendered like a read (tables, set-returning functions). */
export function readReply(r: RestRequest, row: ResultRow, offset: number): Reply {
  const counts = countsOf(row, offset);
  const { status, range } = readRange(counts);
  if (r.media.rendering === 'object' && counts.page !== 1) throw singleObjectError(counts.page);
  return {
    status: r.media.rendering === 'object' ? 200 : status,
    headers: { 'Content-Type': r.media.contentType, 'Content-Range': range },
    body: r.method === 'HEAD' ? null : row.pgrst_body,
  };
}
