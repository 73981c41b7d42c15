import type { TestProject } from 'vitest/node';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTemplate, TMP } from './template.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Migrated + seeded PGlite data folder that startTestStack copies for each test file. */
    stackTemplate: string;
  }
}

/** Builds the local stack's template data folder once per run (reused while its inputs are unchanged). */
export default async function setup(project: TestProject) {
  removeOrphanedStacks();
  project.provide('stackTemplate', await ensureTemplate((m) => console.log(`[global-setup] ${m}`)));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Data folders of test stacks whose process died before `stop()` (named `<pid>-<random>`). */
function removeOrphanedStacks() {
  const dir = join(TMP, 'stacks');
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const pid = Number(name.split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) rmSync(join(dir, name), { recursive: true, force: true });
  }
}
