/**
 * The simulation's agenda: pending happenings ordered by time, ties broken by
 * the order they were scheduled in, so a run is deterministic. A binary heap
 * over parallel arrays keeps push and pop O(log n) with no object per entry
 * beyond the action itself.
 */
export class Agenda {
  private times: number[] = [];
  private seqs: number[] = [];
  private actions: (() => void)[] = [];
  private seq = 0;

  get size(): number {
    return this.times.length;
  }

  /** Time of the next happening, or +Infinity when none is pending. */
  peekTime(): number {
    return this.times.length === 0 ? Number.POSITIVE_INFINITY : (this.times[0] as number);
  }

  /** Schedules `action` to run at epoch ms `time`. */
  at(time: number, action: () => void): void {
    const seq = this.seq++;
    let i = this.times.length;
    this.times.push(time);
    this.seqs.push(seq);
    this.actions.push(action);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Removes the earliest happening and returns its time and action; undefined when empty. */
  pop(): { time: number; action: () => void } | undefined {
    const n = this.times.length;
    if (n === 0) return undefined;
    const time = this.times[0] as number;
    const action = this.actions[0] as () => void;
    const last = n - 1;
    this.swap(0, last);
    this.times.pop();
    this.seqs.pop();
    this.actions.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < last && this.less(l, m)) m = l;
      if (r < last && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return { time, action };
  }

  private less(a: number, b: number): boolean {
    const ta = this.times[a] as number;
    const tb = this.times[b] as number;
    return ta < tb || (ta === tb && (this.seqs[a] as number) < (this.seqs[b] as number));
  }

  private swap(a: number, b: number): void {
    const t = this.times[a] as number;
    this.times[a] = this.times[b] as number;
    this.times[b] = t;
    const s = this.seqs[a] as number;
    this.seqs[a] = this.seqs[b] as number;
    this.seqs[b] = s;
    const f = this.actions[a] as () => void;
    this.actions[a] = this.actions[b] as () => void;
    this.actions[b] = f;
  }
}
