/**
 * The simulation's agenda: pending happenings ordered by time, ties broken by
 * the order they were scheduled in, so a run is deterministic. A binary heap
 * over parallel arrays keeps push and pop O(log n) with no object per entry
 * beyond the action itself, and `take` allocates nothing: it returns the action
 * and leaves its time in `time`.
 */
export class Agenda {
  private times: number[] = [];
  private seqs: number[] = [];
  private actions: (() => void)[] = [];
  private seq = 0;
  /** Time of the happening `pop` returned last. */
  time = 0;

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
    const times = this.times;
    const seqs = this.seqs;
    const actions = this.actions;
    let i = times.length;
    times.push(time);
    seqs.push(seq);
    actions.push(action);
    // Sift the hole up: parents later than the new entry move down into it.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const tp = times[parent] as number;
      if (tp < time || (tp === time && (seqs[parent] as number) < seq)) break;
      times[i] = tp;
      seqs[i] = seqs[parent] as number;
      actions[i] = actions[parent] as () => void;
      i = parent;
    }
    times[i] = time;
    seqs[i] = seq;
    actions[i] = action;
  }

  /** Removes the earliest happening and returns its action, leaving its time in `time`; undefined when empty. */
  take(): (() => void) | undefined {
    const times = this.times;
    const seqs = this.seqs;
    const actions = this.actions;
    const n = times.length;
    if (n === 0) return undefined;
    this.time = times[0] as number;
    const result = actions[0] as () => void;
    const lastTime = times.pop() as number;
    const lastSeq = seqs.pop() as number;
    const lastAction = actions.pop() as () => void;
    const size = n - 1;
    if (size === 0) return result;
    // Sift the hole at the root down, then drop the last entry into it.
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      let m = l;
      let tm = times[l] as number;
      const r = l + 1;
      if (r < size) {
        const tr = times[r] as number;
        if (tr < tm || (tr === tm && (seqs[r] as number) < (seqs[l] as number))) {
          m = r;
          tm = tr;
        }
      }
      if (lastTime < tm || (lastTime === tm && lastSeq < (seqs[m] as number))) break;
      times[i] = tm;
      seqs[i] = seqs[m] as number;
      actions[i] = actions[m] as () => void;
      i = m;
    }
    times[i] = lastTime;
    seqs[i] = lastSeq;
    actions[i] = lastAction;
    return result;
  }
}
