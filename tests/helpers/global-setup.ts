import type { TestProject } from 'vitest/node';
import { ensureTemplate } from './template.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Migrated + seeded PGlite data folder that startTestStack copies for each test file. */
    stackTemplate: string;
  }
}

/** Builds the local stack's template data folder once per run (reused while its inputs are unchanged). */
export default async function setup(project: TestProject) {
  project.provide('stackTemplate', await ensureTemplate((m) => console.log(`[global-setup] ${m}`)));
}
