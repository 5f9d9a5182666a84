import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../../store/db.ts';
import { ingestFile } from '../ingest-file.ts';
import { jobActor } from '../../store/audit.ts';
import { displayPath, jobMessage, type FolderJob } from './definition.ts';
import type { PullResult } from './runs.ts';

export const PROCESSED_DIR = 'processed';
export const FAILED_DIR = 'failed';
export const DEFAULT_PATTERN = '*.csv';
export const DEFAULT_SETTLE_SECONDS = 10;

/** What a folder run did, with the reason each failed file failed. */
export interface FolderPull extends PullResult {
  failures: { file: string; error: string }[];
}

/**
 * Runs one pass over a drop folder: each file directly in it whose name matches
 * the job's pattern is appended to the job's log (one transaction per file), then
 * moved to `processed/`, or to `failed/` beside a `<file>.error.txt` that says why.
 * A file is ingested once: after a run it is no longer in the folder, and should
 * a move fail after the load committed, the next run's append of the same bytes is
 * a no-op.
 *
 * Files still being written are left for a later run: a file modified less than
 * `settleSeconds` (default 10) ago, and any hidden (`.name`) or `*.part`, `*.tmp`
 * file whatever the pattern, so a writer that writes under a temporary name and
 * renames into place is always safe.
 */
export async function pullFolder(store: Store, job: FolderJob, runId: number, now = Date.now()): Promise<FolderPull> {
  if (!existsSync(job.folder) || !statSync(job.folder).isDirectory()) {
    throw new Error(`${displayPath(job.file)}: path: the drop folder ${job.folder} does not exist; create it or correct "path"`);
  }
  const files = readyFiles(job, now);
  const result: FolderPull = { rowsRead: 0, eventsAdded: 0, duplicatesSkipped: 0, quarantined: 0, filesLoaded: 0, filesFailed: 0, watermark: null, failures: [] };
  for (const name of files) {
    const path = join(job.folder, name);
    try {
      const { load } = await ingestFile(store, path, { name: job.log, mapping: job.mapping, mode: 'append', onBadRows: job.onBadRows ?? 'reject', actor: jobActor(job.name) });
      result.rowsRead += load.rowsRead;
      result.eventsAdded += load.eventsAdded;
      result.duplicatesSkipped += load.duplicatesSkipped;
      result.quarantined += load.quarantined;
      result.filesLoaded! += 1;
      moveInto(job.folder, PROCESSED_DIR, name, runId);
    } catch (error) {
      const reason = jobMessage(error);
      const moved = moveInto(job.folder, FAILED_DIR, name, runId);
      writeFileSync(`${moved}.error.txt`, `${name} was not loaded (job ${job.name}, run ${runId}, ${new Date(now).toISOString()}):\n${reason}\n`);
      result.filesFailed! += 1;
      result.failures.push({ file: name, error: reason });
    }
  }
  return result;
}

/** The names of the files ready to ingest, sorted. */
function readyFiles(job: FolderJob, now: number): string[] {
  const pattern = globToRegExp(job.pattern ?? DEFAULT_PATTERN);
  const settledBefore = now - (job.settleSeconds ?? DEFAULT_SETTLE_SECONDS) * 1000;
  return readdirSync(job.folder)
    .filter((name) => pattern.test(name) && !name.startsWith('.') && !/\.(part|tmp)$/i.test(name))
    .filter((name) => {
      const stat = statSync(join(job.folder, name));
      return stat.isFile() && stat.mtimeMs <= settledBefore;
    })
    .sort();
}

/** A file-name pattern: `*` any run of characters, `?` one character, everything else literal. */
export function globToRegExp(glob: string): RegExp {
  const body = [...glob].map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'i');
}

/** Moves a file into a subfolder, keeping its name unless taken (then `run-<id>-<name>`); returns the new path. */
function moveInto(folder: string, subfolder: string, name: string, runId: number): string {
  const dir = join(folder, subfolder);
  mkdirSync(dir, { recursive: true });
  let target = join(dir, name);
  if (existsSync(target)) target = join(dir, `run-${runId}-${name}`);
  renameSync(join(folder, name), target);
  return target;
}
