import { type FileHandle, open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { WAREHOUSE_SPECS } from '../../order-to-cash/master-data.ts';
import { header, type StreamName } from '../columns.ts';
import { type Batch, type BranchJob, type BranchResult, type FromWorker, simulateBranch, STREAMS, type ToWorker, Window } from './branch-job.ts';
import type { SimulationOptions } from './simulation.ts';
import { Truth } from './truth.ts';

/**
 * Runs the distributor's branches (see `Simulation`) side by side and writes
 * their rows into one file per stream.
 *
 * A branch cuts its rows into batches of about a megabyte, each stamped with
 * the simulation clock at the cut. The writer takes batches in order of
 * (clock, branch): that order depends only on the batches, never on which
 * thread ran ahead, so the files are the same bytes whether the branches ran
 * in worker threads or interleaved in one thread, and each file is in time
 * order per branch and close to it overall. A branch waits when
 * a few of its batches are not yet written, which bounds memory.
 */

/** Branches of every run: one per warehouse. */
export const BRANCH_COUNT = WAREHOUSE_SPECS.length;

/** Writes the branches' batches to the stream files in (clock, branch) order. */
class BatchWriter {
  private readonly queues: Batch[][] = Array.from({ length: BRANCH_COUNT }, () => []);
  private readonly finished: boolean[] = new Array<boolean>(BRANCH_COUNT).fill(false);
  private writing = false;
  private failure: unknown;
  private settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  /** Resolves once every branch has finished and all its batches are written. */
  readonly done = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));

  constructor(
    private readonly files: FileHandle[],
    /** Called when a batch of `branch` is written. */
    private readonly onWritten: (branch: number, clock: number) => void,
  ) {
    // The caller awaits `done` only after starting the branches; an early failure must not go unhandled meanwhile.
    this.done.catch(() => {});
  }

  add(branch: number, batch: Batch): void {
    this.queues[branch]!.push(batch);
    void this.pump();
  }

  finish(branch: number): void {
    this.finished[branch] = true;
    void this.pump();
  }

  fail(error: unknown): void {
    this.failure ??= error;
    this.settle?.reject(error);
  }

  /** The branch whose batch comes next, once every unfinished branch has one queued; -1 to wait, -2 when all is written. */
  private next(): number {
    let best = -1;
    let pending = false;
    for (let branch = 0; branch < BRANCH_COUNT; branch++) {
      const head = this.queues[branch]![0];
      if (head === undefined) {
        if (!this.finished[branch]) return -1;
        continue;
      }
      pending = true;
      if (best === -1 || head.clock < this.queues[best]![0]!.clock) best = branch;
    }
    return pending ? best : -2;
  }

  private async pump(): Promise<void> {
    if (this.writing || this.failure !== undefined) return;
    this.writing = true;
    try {
      for (let branch = this.next(); branch >= 0; branch = this.next()) {
        const batch = this.queues[branch]!.shift() as Batch;
        await Promise.all(this.files.map(async (file, i) => {
          for (const chunk of batch.chunks[i]!) await file.write(chunk);
        }));
        this.onWritten(branch, batch.clock);
      }
      if (this.next() === -2) this.settle?.resolve();
    } catch (error) {
      this.fail(error);
    } finally {
      this.writing = false;
    }
  }
}

let workerBundle: Promise<string> | undefined;

/**
 * The worker's code as one script. A worker thread does not inherit the
 * TypeScript loader this process runs under, and loading some twenty modules
 * through a loader in every worker costs more than bundling them once with
 * esbuild (the compiler tsx itself uses).
 */
function bundleWorker(): Promise<string> {
  workerBundle ??= build({
    entryPoints: [fileURLToPath(new URL('./branch-worker.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0]!.text);
  return workerBundle;
}

/** Runs every branch in a worker thread; resolves with their results in branch order. Sets `written[branch]` to tell a worker its batch is written. */
async function runInWorkers(options: SimulationOptions, writer: BatchWriter, written: (() => void)[]): Promise<BranchResult[]> {
  const code = await bundleWorker();
  const workers = Array.from({ length: BRANCH_COUNT }, (_, branch) => new Worker(code, { eval: true, workerData: { options, branch } satisfies BranchJob }));
  workers.forEach((worker, branch) => (written[branch] = () => worker.postMessage({ written: true } satisfies ToWorker)));
  const exited = workers.map((worker) => new Promise<void>((resolve) => worker.once('exit', () => resolve())));
  // Workers are told to stop and end on their own, never terminated: terminating a thread while V8
  // still compiles for it in the background can abort the whole process (Node 20, NodePlatform::ForIsolate).
  const stopAll = () => workers.forEach((worker) => worker.postMessage({ stop: true } satisfies ToWorker));
  // When writing fails, the workers would wait forever for their batches to be written.
  writer.done.catch(stopAll);
  const runs = workers.map(
    (worker, branch) =>
      new Promise<BranchResult>((resolve, reject) => {
        let result: BranchResult | undefined;
        worker.on('message', (message: FromWorker) => {
          if ('batch' in message) {
            writer.add(branch, message.batch);
          } else {
            result = message.result;
            writer.finish(branch);
          }
        });
        worker.on('error', reject);
        worker.on('exit', (code) => (result === undefined ? reject(new Error(`branch ${branch} of the simulation stopped (exit code ${code}) before it finished`)) : resolve(result)));
      }),
  );
  try {
    return await Promise.all(runs.map((run) => run.catch((error: unknown) => {
      writer.fail(error);
      throw error;
    })));
  } finally {
    stopAll();
    await Promise.all(exited);
  }
}

/** Runs every branch in this thread, interleaved at batch boundaries; sets `written` as `runInWorkers` does. */
async function runHere(options: SimulationOptions, writer: BatchWriter, written: (() => void)[]): Promise<BranchResult[]> {
  return Promise.all(
    Array.from({ length: BRANCH_COUNT }, async (_, branch) => {
      const window = new Window();
      written[branch] = () => window.written();
      try {
        const result = await simulateBranch(options, branch, (batch) => window.send(() => writer.add(branch, batch)));
        writer.finish(branch);
        return result;
      } catch (error) {
        writer.fail(error);
        throw error;
      }
    }),
  );
}

/**
 * Simulates every branch — in worker threads when `threads`, else in this
 * thread — and writes the streams, headers first, to the files `paths`
 * (created or truncated). Returns the branches' results added up.
 */
export async function writeBranches(
  options: SimulationOptions,
  paths: Record<StreamName, string>,
  threads: boolean,
  onProgress?: (fraction: number) => void,
): Promise<BranchResult> {
  const span = options.end - options.start;
  const clocks = new Array<number>(BRANCH_COUNT).fill(options.start);
  const files: FileHandle[] = [];
  try {
    for (const stream of STREAMS) {
      const file = await open(paths[stream], 'w');
      files.push(file);
      await file.write(header(stream));
    }
    const written: (() => void)[] = [];
    const writer = new BatchWriter(files, (branch, clock) => {
      clocks[branch] = clock;
      onProgress?.(Math.min(1, clocks.reduce((sum, c) => sum + (c - options.start) / span, 0) / BRANCH_COUNT));
      written[branch]?.();
    });
    // A failed write stops the run: the branches would otherwise wait forever for their batches to be written.
    const writeFailed = writer.done.then(() => new Promise<never>(() => {}));
    const results = await Promise.race([(threads ? runInWorkers : runHere)(options, writer, written), writeFailed]);
    await writer.done;
    return mergeResults(results);
  } finally {
    await Promise.all(files.map((file) => file.close()));
  }
}

function mergeResults(results: readonly BranchResult[]): BranchResult {
  const truth = new Truth();
  const rows = { orders: 0, purchasing: 0, shipments: 0 };
  for (const result of results) {
    truth.add(result.truth);
    for (const stream of STREAMS) rows[stream] += result.rows[stream];
  }
  return { rows, truth, ledger: results.flatMap((r) => r.ledger) };
}
