import type { IncomingMessage } from 'node:http';

/** A request body that could not be read: too large (413) or not valid JSON (400). */
export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads the whole body, refusing more than maxBytes. An oversized body is still read to its
 * end and discarded before the 413 goes out: a client that is still uploading when the answer
 * arrives may never see it, and the keep-alive connection would be left mid-request. Past
 * four times the limit the connection is cut instead.
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const hardCap = Math.max(4 * maxBytes, 64 * 1024 * 1024);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > hardCap) {
    req.socket.destroy();
    throw tooLarge(maxBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > hardCap) {
        req.socket.destroy();
        throw tooLarge(maxBytes);
      }
      if (size <= maxBytes) chunks.push(chunk);
    }
  } catch (e) {
    if (e instanceof BodyError) throw e;
    // The client went away or sent a broken chunked body: its fault, not a server error.
    throw new BodyError(400, `The request body could not be read: ${(e as Error).message}`);
  }
  if (size > maxBytes) throw tooLarge(maxBytes);
  return Buffer.concat(chunks);
}

/**
 * The deepest nesting of arrays and objects a JSON body may have. Real payloads stay under 10
 * (a GeoJSON MultiPolygon in a Feature in an RPC argument is 7); nesting in the thousands only
 * makes Postgres recurse (jsonb input, jsonb functions) towards its stack limit.
 */
export const MAX_JSON_DEPTH = 100;

/** How deeply text nests `[` and `{` outside strings, stopping early once past `limit`. */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** Parses JSON text, refusing nesting deeper than maxDepth before parsing (BodyError 400). */
export function parseJson(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  if (jsonDepth(text, maxDepth) > maxDepth) {
    throw new BodyError(400, `The JSON body nests deeper than the limit of ${maxDepth} levels`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BodyError(400, `Could not parse request body as JSON: ${(e as Error).message}`);
  }
}

/** Reads and parses a JSON body (at most MAX_JSON_DEPTH deep); an empty body is `undefined`. */
export async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const text = (await readBody(req, maxBytes)).toString('utf8');
  if (text.trim() === '') return undefined;
  return parseJson(text);
}

function tooLarge(maxBytes: number) {
  return new BodyError(413, `Request body is larger than the limit of ${maxBytes} bytes`);
}
