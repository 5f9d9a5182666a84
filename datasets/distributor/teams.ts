import { type Calendar, DAY_MS, HOUR_MS, weekday } from '../order-to-cash/calendar.ts';
import { pool } from '../order-to-cash/master-data.ts';

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

export class Team {
  private readonly members: Member[];

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
  }

  get size(): number {
    return this.members.length;
  }

  /**
   * Serves a task of `work` ms that becomes ready at `ready`: the member who can
   * start it first takes it (first come, first served, as tasks arrive in time order).
   */
  serve(ready: number, work: number): Service {
    let best: Member | undefined;
    let bestStart = Number.POSITIVE_INFINITY;
    for (const member of this.members) {
      const start = openAt(member.freeAt > ready ? member.freeAt : ready, this.calendar, member.days);
      if (start < bestStart) {
        bestStart = start;
        best = member;
      }
    }
    const member = best as Member;
    const end = addWorkingTime(bestStart, Math.max(1000, Math.round(work / 1000) * 1000), this.calendar, member.days);
    member.freeAt = end;
    return { start: bestStart, end, member: member.name };
  }
}
