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
 * Reads the whole body, refusing more than maxBytes (checked against Content-Length first, then
 * while streaming). The rest of an oversized body is drained by Node once the response ends, so
 * the connection stays usable.
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      req.resume();
      throw tooLarge(maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Reads and parses a JSON body; an empty body is `undefined`. */
export async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const text = (await readBody(req, maxBytes)).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BodyError(400, `Could not parse request body as JSON: ${(e as Error).message}`);
  }
}

function tooLarge(maxBytes: number) {
  return new BodyError(413, `Request body is larger than the limit of ${maxBytes} bytes`);
}
