/**
 * Phoenix serializer vsn 2.0.0 as realtime-js 2.119 speaks it: JSON array text frames
 * `[join_ref, ref, topic, event, payload]`, binary kind-3 frames for client broadcasts and
 * binary kind-4 frames for server broadcasts (the only binary kind the client can decode).
 */

export interface Message {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: Record<string, unknown>;
}

/** A client broadcast push (kind 3); `payload` is parsed JSON, or raw bytes for encoding 0. */
export interface BroadcastPush {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  meta: Record<string, unknown> | null;
  payload: unknown;
  binary: boolean;
}

/**
 * Size limits as hosted Realtime sets them: a WebSocket frame over 5,000,000 bytes closes the
 * socket (1009), and a broadcast payload over a project's `max_payload_size_in_kb`, 3,000 kB by
 * default, is refused: `payload_size_exceeded` over the socket, 422 over HTTP.
 */
export const MAX_FRAME_BYTES = 5_000_000;
export const MAX_BROADCAST_PAYLOAD_BYTES = 3_000_000;

/**
 * Bytes the server may hold for one socket that does not read them (a stuck or very slow viewer)
 * before the next frame closes it instead; hosted Realtime names no such limit. The operating
 * system's own socket buffers (a few MB) come on top.
 */
export const MAX_SOCKET_BACKLOG_BYTES = 16 * 1024 * 1024;

const KIND_USER_BROADCAST_PUSH = 3;
const KIND_USER_BROADCAST = 4;
const ENCODING_BINARY = 0;
const ENCODING_JSON = 1;

export class FrameError extends Error {}

export function decodeText(text: string): Message {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new FrameError('frame is not JSON');
  }
  if (!Array.isArray(parsed) || parsed.length !== 5) throw new FrameError('frame is not a 5-element array');
  const [joinRef, ref, topic, event, payload] = parsed as unknown[];
  if (typeof topic !== 'string' || typeof event !== 'string') throw new FrameError('topic and event must be strings');
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw new FrameError('payload must be an object');
  return { joinRef: refOf(joinRef), ref: refOf(ref), topic, event, payload: payload as Record<string, unknown> };
}

function refOf(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return String(v);
}

export function encodeText(m: Message): string {
  return JSON.stringify([m.joinRef, m.ref, m.topic, m.event, m.payload]);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeBinary(buf: Buffer): BroadcastPush {
  if (buf.length < 7) throw new FrameError('binary frame too short');
  if (buf[0] !== KIND_USER_BROADCAST_PUSH) throw new FrameError(`unsupported binary frame kind ${buf[0]}`);
  const sizes = [buf[1], buf[2], buf[3], buf[4], buf[5]];
  const encoding = buf[6];
  let offset = 7;
  const fields: string[] = [];
  for (const size of sizes) {
    if (offset + size > buf.length) throw new FrameError('binary frame header overruns the frame');
    fields.push(utf8.decode(buf.subarray(offset, offset + size)));
    offset += size;
  }
  const [joinRef, ref, topic, event, metaText] = fields;
  const body = buf.subarray(offset);
  let payload: unknown;
  if (encoding === ENCODING_JSON) {
    try {
      payload = JSON.parse(utf8.decode(body));
    } catch {
      throw new FrameError('broadcast payload is not JSON');
    }
  } else if (encoding === ENCODING_BINARY) {
    payload = Buffer.from(body);
  } else throw new FrameError(`unknown payload encoding ${encoding}`);
  let meta: Record<string, unknown> | null = null;
  if (metaText) {
    try {
      meta = JSON.parse(metaText) as Record<string, unknown>;
    } catch {
      throw new FrameError('broadcast metadata is not JSON');
    }
  }
  return { joinRef: joinRef || null, ref: ref || null, topic, event, meta, payload, binary: encoding === ENCODING_BINARY };
}

/** Kind-4 frame; JSON payloads are passed pre-serialised so a fan-out encodes once. */
export function encodeBroadcast(topic: string, event: string, payload: Buffer | string, binary: boolean, meta?: Record<string, unknown>): Buffer {
  const t = Buffer.from(topic, 'utf8');
  const e = Buffer.from(event, 'utf8');
  const m = Buffer.from(meta ? JSON.stringify(meta) : '', 'utf8');
  if (t.length > 255 || e.length > 255 || m.length > 255) throw new FrameError('topic, event or metadata longer than 255 bytes');
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const head = Buffer.from([KIND_USER_BROADCAST, t.length, e.length, m.length, binary ? ENCODING_BINARY : ENCODING_JSON]);
  return Buffer.concat([head, t, e, m, body]);
}

/**
 * Server-to-client broadcast frames, WebSocket header included, built once for every socket of a
 * fan-out: `bytes` holds one or more complete unmasked binary frames (RFC 6455 section 5.2), to
 * be written as they are; `bodies` are the same messages unframed, for a socket that must go
 * through its WebSocket library instead.
 */
export interface WireFrames {
  bytes: Buffer;
  bodies: Buffer[];
}

const OPCODE_BINARY = 0x2;

export function frameBinary(body: Buffer): WireFrames {
  const n = body.length;
  const headLength = n < 126 ? 2 : n < 65_536 ? 4 : 10;
  const bytes = Buffer.allocUnsafe(headLength + n);
  bytes[0] = 0x80 | OPCODE_BINARY; // FIN, no extensions
  if (headLength === 2) bytes[1] = n;
  else if (headLength === 4) {
    bytes[1] = 126;
    bytes.writeUInt16BE(n, 2);
  } else {
    bytes[1] = 127;
    bytes.writeBigUInt64BE(BigInt(n), 2);
  }
  body.copy(bytes, headLength);
  return { bytes, bodies: [body] };
}

/** Several framed messages as one write: one system call per socket however many there are. */
export function joinFrames(frames: WireFrames[]): WireFrames {
  if (frames.length === 1) return frames[0];
  return { bytes: Buffer.concat(frames.map((f) => f.bytes)), bodies: frames.flatMap((f) => f.bodies) };
}
