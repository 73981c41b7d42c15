/**
 * The part of the POSIX ustar format that backups need: regular files and folders, names of up
 * to 255 bytes (split into the `prefix` and `name` fields). What PGlite's `dumpDataDir` writes and
 * what `tar` reads.
 */
export interface TarEntry {
  name: string;
  type: 'file' | 'dir';
  /** Permission bits. */
  mode: number;
  /** Modification time, seconds since the epoch. */
  mtime: number;
  /** Empty for folders. */
  data: Uint8Array;
}

const BLOCK = 512;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function field(header: Uint8Array, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return decoder.decode(end < 0 ? raw : raw.subarray(0, end));
}

function octal(header: Uint8Array, offset: number, length: number, value: number): void {
  header.set(encoder.encode(value.toString(8).padStart(length - 1, '0') + '\0'), offset);
}

/** `name` of at most 100 bytes and `prefix` of at most 155, split at a slash. */
function splitName(name: string): [prefix: string, name: string] {
  if (encoder.encode(name).length <= 100) return ['', name];
  for (let i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (encoder.encode(prefix).length <= 155 && encoder.encode(rest).length <= 100) return [prefix, rest];
  }
  throw new Error(`tar: the name ${name} is too long for ustar`);
}

export function writeTar(entries: Iterable<TarEntry>): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const e of entries) {
    const header = new Uint8Array(BLOCK);
    const [prefix, name] = splitName(e.type === 'dir' && !e.name.endsWith('/') ? `${e.name}/` : e.name);
    header.set(encoder.encode(name), 0);
    octal(header, 100, 8, e.mode & 0o7777);
    octal(header, 108, 8, 0);
    octal(header, 116, 8, 0);
    octal(header, 124, 12, e.type === 'file' ? e.data.length : 0);
    octal(header, 136, 12, Math.max(0, Math.floor(e.mtime)));
    header[156] = e.type === 'file' ? 0x30 : 0x35;
    header.set(encoder.encode('ustar\u000000'), 257);
    header.set(encoder.encode(prefix), 345);
    header.fill(0x20, 148, 156);
    octal(
      header,
      148,
      7,
      header.reduce((sum, b) => sum + b, 0),
    );
    parts.push(header);
    total += BLOCK;
    if (e.type === 'file' && e.data.length > 0) {
      const padded = Math.ceil(e.data.length / BLOCK) * BLOCK;
      parts.push(e.data);
      if (padded > e.data.length) parts.push(new Uint8Array(padded - e.data.length));
      total += padded;
    }
  }
  parts.push(new Uint8Array(2 * BLOCK));
  total += 2 * BLOCK;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Entries of a tar in order; anything but regular files and folders is an error. */
export function* readTar(tar: Uint8Array): Generator<TarEntry> {
  for (let at = 0; at + BLOCK <= tar.length;) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) return;
    const stored = parseInt(field(header, 148, 8).trim(), 8);
    const sum = header.reduce((s, b, i) => s + (i >= 148 && i < 156 ? 0x20 : b), 0);
    if (stored !== sum) throw new Error(`tar: damaged header at byte ${at}`);
    const prefix = field(header, 345, 155);
    const name = (prefix ? `${prefix}/` : '') + field(header, 0, 100);
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    const flag = String.fromCharCode(header[156]);
    const type = flag === '0' || flag === '\0' ? 'file' : flag === '5' ? 'dir' : null;
    if (!type) throw new Error(`tar: unsupported entry type ${JSON.stringify(flag)} for ${name}`);
    at += BLOCK;
    if (at + size > tar.length) throw new Error(`tar: ${name} is cut short`);
    yield {
      name: type === 'dir' ? name.replace(/\/+$/, '') : name,
      type,
      mode: parseInt(field(header, 100, 8).trim() || '0', 8),
      mtime: parseInt(field(header, 136, 12).trim() || '0', 8),
      data: tar.subarray(at, at + size),
    };
    at += Math.ceil(size / BLOCK) * BLOCK;
  }
  throw new Error('tar: the archive ends without its end marker');
}
