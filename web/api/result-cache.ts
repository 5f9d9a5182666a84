/** The default room for remembered answers: 256 MiB of JSON text. */
export const DEFAULT_RESULT_CACHE_BYTES = 256 * 1024 * 1024;

/** The room set by WAYBILL_RESULT_CACHE_MB (0 turns remembering off), else the default. */
export function resultCacheBytes(setting = process.env.WAYBILL_RESULT_CACHE_MB): number {
  if (setting === undefined || setting.trim() === '') return DEFAULT_RESULT_CACHE_BYTES;
  const megabytes = Number(setting);
  if (!Number.isFinite(megabytes) || megabytes < 0) throw new Error(`WAYBILL_RESULT_CACHE_MB must be a number of megabytes (0 turns the result cache off), not ${JSON.stringify(setting)}`);
  return megabytes * 1024 * 1024;
}

interface Entry {
  body: Promise<string>;
  /** Known once the answer has come; until then the entry takes no room. */
  bytes: number;
}

/** How an answer was found: remembered, shared with an identical request under way, or computed. */
export type Source = 'hit' | 'shared' | 'miss';

/**
 * Answers remembered as their JSON text, by a key that names everything they depend on
 * (the log's version among it, so a load, append, replace or settings change makes the
 * old answers unreachable). Identical requests that arrive together are computed once.
 * The least recently used answers go first once they take more than `maxBytes`. A
 * failure is not remembered: the next request tries again.
 */
export class ResultCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  readonly stats = { hit: 0, shared: 0, miss: 0 };

  constructor(readonly maxBytes = resultCacheBytes()) {}

  /** `compute()`'s answer as JSON: remembered under `key`, or computed now; `keep` may refuse to remember it. */
  async json(key: string, compute: () => Promise<unknown>, keep: (value: unknown) => boolean = () => true): Promise<{ body: string; source: Source }> {
    const found = this.entries.get(key);
    if (found) {
      // Most recently used goes last, so the oldest is first out.
      this.entries.delete(key);
      this.entries.set(key, found);
      const source = found.bytes > 0 ? 'hit' : 'shared';
      this.stats[source]++;
      return { body: await found.body, source };
    }
    this.stats.miss++;
    let kept = true;
    const body = compute().then((value) => {
      kept = keep(value);
      return JSON.stringify(value);
    });
    if (this.maxBytes === 0) return { body: await body, source: 'miss' };
    const entry: Entry = { body, bytes: 0 };
    this.entries.set(key, entry);
    try {
      const text = await body;
      if (this.entries.get(key) === entry) {
        if (kept) {
          // A string of one-byte characters takes a byte each; count two, in case it has others.
          entry.bytes = text.length * 2;
          this.bytes += entry.bytes;
          this.makeRoom();
        } else {
          this.entries.delete(key);
        }
      }
      return { body: text, source: 'miss' };
    } catch (error) {
      if (this.entries.get(key) === entry) this.entries.delete(key);
      throw error;
    }
  }

  /** How many answers are remembered, and the room they take. */
  get size(): { answers: number; bytes: number } {
    return { answers: this.entries.size, bytes: this.bytes };
  }

  private makeRoom(): void {
    for (const [key, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      // Answers still being computed are shared by whoever waits for them; they stay.
      if (entry.bytes === 0) continue;
      this.entries.delete(key);
      this.bytes -= entry.bytes;
    }
  }
}
