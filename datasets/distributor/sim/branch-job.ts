import { parentPort, workerData } from 'node:worker_threads';
import { TextChunks } from '../../order-to-cash/csv.ts';
import { type LineSink, STREAM_FILES, type StreamName } from '../columns.ts';
import type { LedgerSummary } from './inventory.ts';
import { Simulation, type SimulationOptions } from './simulation.ts';
import type { Truth } from './truth.ts';

/**
 * One branch's side of a run (see `branches.ts`): simulate, cut the rows into
 * batches, hand them over, and wait when too many are unwritten. Runs in a
 * worker thread or in the main thread; this module loads no npm package, so a
 * worker's bundle of it stays small.
 */

export const STREAMS = Object.keys(STREAM_FILES) as StreamName[];
/** Batches a branch may have handed over and not yet seen written. */
const BATCH_WINDOW = 4;

/** What a branch reports back: rows written per stream, its truth counts and its stock ledger. */
export interface BranchResult {
  rows: Record<StreamName, number>;
  truth: Truth;
  ledger: LedgerSummary[];
}

/** A branch's rows since its last cut, per stream (in `STREAMS` order), and the clock at the cut. */
export interface Batch {
  clock: number;
  chunks: Uint8Array[][];
}

/** Counts the rows it passes on (to text chunks, or nowhere for a pilot run). */
class CountingSink implements LineSink {
  rows = 0;
  constructor(readonly out?: TextChunks) {}
  append(text: string): void {
    this.rows += 1;
    this.out?.append(text);
  }

  appendRow(fields: readonly string[], count: number): void {
    this.rows += 1;
    this.out?.appendRow(fields, count);
  }
}

/** Simulates one branch without writing anything (pilot runs): its rows per stream. */
export function countBranchRows(options: SimulationOptions, branch: number): Record<StreamName, number> {
  const sinks = { orders: new CountingSink(), purchasing: new CountingSink(), shipments: new CountingSink() };
  const sim = new Simulation(options, branch, sinks);
  // Nothing to hand over: run() does all its work before returning its promise.
  void sim.run(() => undefined);
  return { orders: sinks.orders.rows, purchasing: sinks.purchasing.rows, shipments: sinks.shipments.rows };
}

/**
 * Simulates branch `branch`, handing its rows to `deliver` in batches; when
 * `deliver` returns a promise, the branch waits for it. The last batch is cut
 * at the end of the period.
 */
export async function simulateBranch(options: SimulationOptions, branch: number, deliver: (batch: Batch) => Promise<void> | undefined): Promise<BranchResult> {
  const chunks = STREAMS.map(() => new TextChunks());
  const [orders, purchasing, shipments] = chunks.map((out) => new CountingSink(out)) as [CountingSink, CountingSink, CountingSink];
  const sim = new Simulation(options, branch, { orders, purchasing, shipments });
  const cut = (clock: number): Batch => ({ clock, chunks: chunks.map((c) => c.take()) });
  await sim.run(() => (chunks.some((c) => c.isFull) ? deliver(cut(sim.clock)) : undefined));
  await deliver(cut(options.end));
  return { rows: { orders: orders.rows, purchasing: purchasing.rows, shipments: shipments.rows }, truth: sim.truth, ledger: sim.inventory.summary() };
}

/** Lets a branch hand over batches until `BATCH_WINDOW` are unwritten, then makes it wait for the next `written`. */
export class Window {
  private unwritten = 0;
  private waiting: (() => void) | undefined;
  private stopped = false;

  send(post: () => void): Promise<void> | undefined {
    if (this.stopped) throw new StopSignal();
    post();
    this.unwritten += 1;
    return this.unwritten < BATCH_WINDOW ? undefined : new Promise((resolve) => (this.waiting = resolve));
  }

  written(): void {
    this.unwritten -= 1;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }

  /** The run is abandoned (writing failed): the next batch throws StopSignal instead of waiting forever. */
  stop(): void {
    this.stopped = true;
    this.written();
  }
}

/** Thrown into a branch told to stop; not a failure of its own. */
export class StopSignal extends Error {
  override name = 'StopSignal';
}


/** Messages between the main thread and a branch worker. */
export type FromWorker = { batch: Batch } | { result: BranchResult };
export type ToWorker = { written: true } | { stop: true };

export interface BranchJob {
  options: SimulationOptions;
  branch: number;
}

/** Worker side (see `branch-worker.ts`): simulates the branch in `workerData`, posting batches and then the result. */
export async function serveBranchJob(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('serveBranchJob runs inside a worker thread');
  const { options, branch } = workerData as BranchJob;
  const window = new Window();
  port.on('message', (message: ToWorker) => ('stop' in message ? window.stop() : window.written()));
  try {
    const result = await simulateBranch(options, branch, (batch) =>
      window.send(() => port.postMessage({ batch } satisfies FromWorker, batch.chunks.flat().map((chunk) => chunk.buffer as ArrayBuffer))),
    );
    port.postMessage({ result } satisfies FromWorker);
  } catch (error) {
    if (!(error instanceof StopSignal)) throw error;
  } finally {
    // With the port closed the thread has nothing left to do and ends on its own.
    port.close();
  }
}

