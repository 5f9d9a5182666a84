import { type Calendar, DAY_MS, HOUR_MS, weekday } from '../../order-to-cash/calendar.ts';
import { pool } from '../../order-to-cash/master-data.ts';

/**
 * People who work a queue: each member takes the next task when free and on
 * shift, so a task's wait is the queue in front of it plus any closed hours —
 * waiting emerges from load and calendars instead of being drawn at random.
 */

interface Member {
  readonly name: string;
  /** Weekdays (Sunday = 0) this member works, within the team's calendar. */
  readonly days: readonly boolean[];
  freeAt: number;
}

/** When a served task started and ended (epoch ms) and who did it. */
export interface Service {
  start: number;
  end: number;
  member: string;
}

/** The earliest time at or after `t` inside the working hours of `calendar` on `days`. */
export function openAt(t: number, calendar: Calendar, days: readonly boolean[] = calendar.openDays): number {
  let day = Math.floor(t / DAY_MS);
  const open = calendar.openHour * HOUR_MS;
  const close = calendar.closeHour * HOUR_MS;
  const ms = t - day * DAY_MS;
  if (days[weekday(day)] === true && ms < close) return ms >= open ? t : day * DAY_MS + open;
  day += 1;
  for (let i = 0; i < 14 && days[weekday(day)] !== true; i++) day += 1;
  return day * DAY_MS + open;
}

/** Adds `work` ms of working time from `start` (inside working hours): work left at closing resumes at the next opening. */
export function addWorkingTime(start: number, work: number, calendar: Calendar, days: readonly boolean[] = calendar.openDays): number {
  let t = start;
  let left = work;
  for (;;) {
    const day = Math.floor(t / DAY_MS);
    const closeAt = day * DAY_MS + calendar.closeHour * HOUR_MS;
    if (t + left <= closeAt) return t + left;
    left -= closeAt - t;
    t = openAt(closeAt, calendar, days);
  }
}

/**
 * Members who share a working calendar, with their `freeAt` times in a
 * min segment tree (leaves in member order), so that the member who can start
 * a task first is found in O(log n) instead of by asking every member.
 */
class Shift {
  private readonly tree: Float64Array;
  private readonly leaves: number;

  constructor(
    readonly days: readonly boolean[],
    /** Indexes into the team's members, ascending. */
    readonly members: readonly number[],
  ) {
    let leaves = 1;
    while (leaves < members.length) leaves *= 2;
    this.leaves = leaves;
    this.tree = new Float64Array(2 * leaves).fill(Number.POSITIVE_INFINITY);
    for (let i = 0; i < members.length; i++) this.set(i, 0);
  }

  get earliestFree(): number {
    return this.tree[1] as number;
  }

  /** The first member (in member order) free at or before `t`; there must be one. */
  firstFreeBy(t: number): number {
    const tree = this.tree;
    let node = 1;
    while (node < this.leaves) node = (tree[2 * node] as number) <= t ? 2 * node : 2 * node + 1;
    return node - this.leaves;
  }

  set(position: number, freeAt: number): void {
    const tree = this.tree;
    let node = position + this.leaves;
    tree[node] = freeAt;
    for (node >>= 1; node >= 1; node >>= 1) {
      const l = tree[2 * node] as number;
      const r = tree[2 * node + 1] as number;
      tree[node] = l < r ? l : r;
    }
  }
}

export class Team {
  private readonly members: Member[];
  private readonly shifts: Shift[];
  /** Per member, its shift and its position there. */
  private readonly shiftOf: Shift[] = [];
  private readonly positionOf: number[] = [];

  /**
   * `size` members named `prefix.1` …; on Mondays only the first `mondaySize`
   * (default all) are at work — the planted understaffing of a review team.
   */
  constructor(
    readonly prefix: string,
    size: number,
    readonly calendar: Calendar,
    mondaySize = size,
  ) {
    const names = pool(prefix, Math.max(1, size));
    const offMonday = calendar.openDays.map((open, day) => open && day !== 1);
    this.members = names.map((name, i) => ({ name, days: i < mondaySize ? calendar.openDays : offMonday, freeAt: 0 }));
    this.shifts = [];
    for (const days of [calendar.openDays, offMonday]) {
      const members = this.members.flatMap((member, i) => (member.days === days ? [i] : []));
      if (members.length === 0) continue;
      const shift = new Shift(days, members);
      this.shifts.push(shift);
      members.forEach((m, position) => {
        this.shiftOf[m] = shift;
        this.positionOf[m] = position;
      });
    }
  }

  get size(): number {
    return this.members.length;
  }

  /**
   * Serves a task of `work` ms that becomes ready at `ready`: the member who can
   * start it first takes it (first come, first served, as tasks arrive in time
   * order); of members who can start at the same time, the first in order.
   *
   * A member's start is `openAt(max(freeAt, ready))`, which never decreases
   * with `freeAt`; so within a shift the earliest start is S = openAt(max(ready,
   * earliest freeAt)), and it is the start of exactly the members free by S.
   */
  serve(ready: number, work: number): Service {
    let bestStart = Number.POSITIVE_INFINITY;
    let best = -1;
    for (const shift of this.shifts) {
      const earliest = shift.earliestFree;
      const start = openAt(earliest > ready ? earliest : ready, this.calendar, shift.days);
      const index = shift.members[shift.firstFreeBy(start)] as number;
      if (start < bestStart || (start === bestStart && index < best)) {
        bestStart = start;
        best = index;
      }
    }
    const member = this.members[best] as Member;
    const end = addWorkingTime(bestStart, Math.max(1000, Math.round(work / 1000) * 1000), this.calendar, member.days);
    member.freeAt = end;
    (this.shiftOf[best] as Shift).set(this.positionOf[best] as number, end);
    return { start: bestStart, end, member: member.name };
  }
}
