import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { ElkNode } from 'elkjs';
import type { ProcessMap } from '../../mining/index.ts';
import type { LayoutEngine } from '../lib/process-map/layout/elk-graph.ts';
import { LayoutTimeout, layoutOrSimply, type BudgetedLayout } from '../lib/process-map/layout/fallback.ts';

/** How long ELK may work on one map before it is drawn simply instead (time in the queue not counted). */
export const LAYOUT_BUDGET_MS = 8000;
/** Layouts kept, most recently used first: each is a few kilobytes to a few hundred. */
const CACHED_LAYOUTS = 200;

// The thread's code: ELK's own bundle, which lays out synchronously, answering one graph at a time.
// Told to stop, it closes its port and ends once its layout is done, never terminated: terminating
// a thread while V8 still compiles for it can abort the process (Node 20, NodePlatform::ForIsolate).
const THREAD_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const ELK = require(workerData.elk);
const elk = new ELK();
parentPort.on('message', (message) => {
  if (message === 'stop') return parentPort.close();
  elk.layout(message.graph).then(
    (laid) => parentPort.postMessage({ id: message.id, laid }),
    (error) => parentPort.postMessage({ id: message.id, error: String(error && error.message || error) }),
  );
});
`;

/** ELK in a thread of its own, so a large layout never holds up the server's other requests. */
class ElkThread implements StoppableEngine {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (laid: ElkNode) => void; reject: (error: Error) => void }>();
  private nextId = 0;

  constructor() {
    const elk = createRequire(import.meta.url).resolve('elkjs/lib/elk.bundled.js');
    this.worker = new Worker(THREAD_CODE, { eval: true, workerData: { elk } });
    this.worker.on('message', (message: { id: number; laid?: ElkNode; error?: string }) => {
      const job = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.laid) job?.resolve(message.laid);
      else job?.reject(new Error(message.error ?? 'ELK failed'));
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', () => this.failAll(new Error('the layout thread ended')));
    // A process that is done does not wait for it (after the listeners: adding one refs the thread again).
    this.worker.unref();
  }

  layout(graph: ElkNode): Promise<ElkNode> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, graph });
    });
  }

  /** Ends the thread once it has finished what it is doing; what it still owes fails now (and is not remembered). */
  stop(): void {
    this.failAll(new Error('the layout thread was stopped'));
    this.worker.postMessage('stop');
  }

  private failAll(error: Error): void {
    for (const job of this.pending.values()) job.reject(error);
    this.pending.clear();
  }
}

/** A layout engine that can be told to end once it is done (a thread), or needs no ending. */
type StoppableEngine = LayoutEngine & { stop?: () => void };

export interface MapLayoutsOptions {
  budgetMs?: number;
  /** The layout engine; default ELK in a thread of its own. Tests pass one that fails or stalls. */
  elk?: () => StoppableEngine;
}

/**
 * Process-map layouts made on the server, so a page only draws: ELK in a thread of its own
 * (its first layout pays for starting it, the next ones are quicker), within a time budget after
 * which the map is drawn simply. ELK's answers are remembered by the graph it was given (the
 * activities, the paths kept and the room their labels take), so a map shown again, by anyone,
 * is not laid out again, and two asking at once share one layout; each answer still carries its
 * own map's numbers. Labels are measured with estimateTextWidth, which errs a little wide, so
 * they fit in any sans-serif the browser has.
 */
export class MapLayouts {
  private engine: StoppableEngine | undefined;
  private readonly laid = new Map<string, Promise<ElkNode>>();
  private readonly queue: QueuedGraph[] = [];
  /** Whether the engine is laying a graph out. */
  private running = false;
  private readonly budgetMs: number;
  private readonly makeEngine: () => StoppableEngine;

  constructor(options: MapLayoutsOptions = {}) {
    this.budgetMs = options.budgetMs ?? LAYOUT_BUDGET_MS;
    this.makeEngine = options.elk ?? (() => new ElkThread());
  }

  /**
   * The map laid out, or drawn simply with the reason when ELK failed or ran out of time.
   * `ahead`: laid out before anyone asks (see warm, layOutEveryLog), after every map someone waits for.
   */
  layout(map: ProcessMap, options: { ahead?: boolean } = {}): Promise<BudgetedLayout> {
    return layoutOrSimply(map, { elk: { layout: (graph) => this.elkLayout(graph, options.ahead ?? false) } });
  }

  /**
   * Starts the layout engine ahead of the first map and has it lay out a few maps of a
   * usual size, so nobody waits for it to boot or for the engine's code to be compiled
   * (a first layout takes several times as long as the next ones).
   */
  warm(): void {
    void (async () => {
      for (let round = 1; round <= 3; round++) await this.layout(practiceMap(round), { ahead: true });
    })();
  }

  /** ELK's answer for `graph`: remembered, or shared with whoever asked for it first, or queued. */
  private elkLayout(graph: ElkNode, ahead: boolean): Promise<ElkNode> {
    const key = createHash('sha256').update(JSON.stringify(graph)).digest('base64');
    let laid = this.laid.get(key);
    if (laid) {
      // Most recently used goes last, so the oldest is first out.
      this.laid.delete(key);
      // Someone waits for a map queued ahead of time: it goes with the maps people wait for.
      if (!ahead) for (const job of this.queue) if (job.key === key) job.ahead = false;
    } else {
      laid = new Promise<ElkNode>((resolve, reject) => this.queue.push({ key, graph, ahead, resolve, reject }));
      // A layout that failed is not kept: the next request tries again.
      laid.catch(() => this.laid.get(key) === laid && this.laid.delete(key));
      this.next();
    }
    this.laid.set(key, laid);
    for (const oldest of this.laid.keys()) {
      if (this.laid.size <= CACHED_LAYOUTS) break;
      this.laid.delete(oldest);
    }
    return laid;
  }

  /**
   * Gives the engine its next graph, one at a time: the first that someone waits for, else
   * the first laid out ahead. One that overruns the budget fails with LayoutTimeout, and one
   * that fails takes its engine with it: an engine that overran may still be busy, one that
   * failed may be broken, so the next graph gets a new one.
   */
  private next(): void {
    if (this.running || this.queue.length === 0) return;
    const index = Math.max(0, this.queue.findIndex((job) => !job.ahead));
    const [job] = this.queue.splice(index, 1) as [QueuedGraph];
    this.running = true;
    const engine = (this.engine ??= this.makeEngine());
    let timer: ReturnType<typeof setTimeout> | undefined;
    const overrun = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LayoutTimeout(`ELK took longer than ${this.budgetMs} ms`)), this.budgetMs);
    });
    Promise.race([engine.layout(job.graph), overrun])
      .then(job.resolve, (error: unknown) => {
        job.reject(error);
        if (this.engine === engine) {
          engine.stop?.();
          this.engine = undefined;
        }
      })
      .finally(() => {
        clearTimeout(timer);
        this.running = false;
        this.next();
      });
  }
}

interface QueuedGraph {
  key: string;
  graph: ElkNode;
  ahead: boolean;
  resolve: (laid: ElkNode) => void;
  reject: (error: unknown) => void;
}

/** A made-up map of a usual size: a dozen steps in a row, with skips and rework (`round` varies its counts, so each is laid out afresh). */
function practiceMap(round: number): ProcessMap {
  const names = Array.from({ length: 12 }, (_, i) => `Step ${i + 1}`);
  const duration = { mean: 3600 * round, median: 3000, min: 60, max: 86_400, p90: 7200, sum: 3_600_000, stdev: 100 };
  const pairs: [number, number][] = [...names.slice(1).map((_, i): [number, number] => [i, i + 1]), [2, 5], [4, 2], [6, 9], [8, 7], [3, 10], [10, 4], [1, 11]];
  return {
    log: '',
    cases: 1000 * round,
    events: 12_000 * round,
    activities: names.map((name) => ({ name, count: 1000 * round, cases: 1000 * round })),
    edges: pairs.map(([from, to], i) => ({ from: names[from]!, to: names[to]!, count: (100 + 37 * i) * round, duration })),
    start: [{ activity: names[0]!, count: 1000 * round }],
    end: [{ activity: names[11]!, count: 900 * round }, { activity: names[5]!, count: 100 * round }],
  };
}
