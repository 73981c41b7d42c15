import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Sets keys in a dotenv file, keeping every other line as it was, so a developer's own
 * settings in `.env.local` survive each start.
 */
export function updateEnvFile(file: string, values: Record<string, string>): void {
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
  const pending = new Map(Object.entries(values));
  const out = lines.map((line) => {
    const key = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
    if (key === undefined || !pending.has(key)) return line;
    const v = pending.get(key)!;
    pending.delete(key);
    return `${key}=${v}`;
  });
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  for (const [k, v] of pending) out.push(`${k}=${v}`);
  writeFileSync(file, out.join('\n') + '\n');
}
