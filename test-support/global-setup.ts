import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadDemo } from '../cli/serve.ts';
import { closeStore } from '../store/db.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A demo database built once for the whole run; tests copy it (test-support/demo-database.ts). */
    demoDatabase: string;
  }
}

/** Builds the demo database once per test run: a dozen test files start from it, each from a copy. */
export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'waybill-demo-template-'));
  const database = join(dir, 'demo.duckdb');
  await loadDemo(database);
  await closeStore(database);
  project.provide('demoDatabase', database);
  return () => rmSync(dir, { recursive: true, force: true });
}
