import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** Where the real public event logs live: ../shared/datasets/real beside the repository (never copied into it). */
export const REAL_LOGS_DIR = fileURLToPath(new URL('../../shared/datasets/real/', import.meta.url));

if (!existsSync(REAL_LOGS_DIR)) {
  throw new Error(`the real event logs are not at ${REAL_LOGS_DIR}: the tests expect the shared datasets in ../shared/datasets/real beside the repository`);
}

/** The path of a real log, failing with a message that says where the data is expected. */
export function realLog(name: string): string {
  const path = join(REAL_LOGS_DIR, name);
  if (!existsSync(path)) {
    throw new Error(`real event log ${name} not found at ${path}: the tests expect the shared datasets in ../shared/datasets/real beside the repository`);
  }
  return path;
}
