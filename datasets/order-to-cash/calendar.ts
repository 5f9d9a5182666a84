import type { Random } from './random.ts';

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/**
 * When a performer can act: open on some weekdays between two hours of the day.
 * Hours are UTC: the synthetic distributor runs on one clock, which keeps the
 * log easy to read.
 */
export interface Calendar {
  readonly name: string;
  /** Open weekdays, indexed by day of week with Sunday = 0. */
  readonly openDays: readonly boolean[];
  readonly openHour: number;
  readonly closeHour: number;
  /**
   * Mean minutes after opening before queued work is taken up, so that work
   * queued overnight is spread over the morning instead of all at opening.
   */
  readonly backlogMinutes: number;
}

const EVERY_DAY = [true, true, true, true, true, true, true];
const MONDAY_TO_FRIDAY = [false, true, true, true, true, true, false];
const MONDAY_TO_SATURDAY = [false, true, true, true, true, true, true];

/** Systems (EDI gateway, web store, credit and allocation engines) work around the clock. */
export const ALWAYS: Calendar = { name: 'always', openDays: EVERY_DAY, openHour: 0, closeHour: 24, backlogMinutes: 0 };
/** Order desk, pricing, credit and receivables clerks. */
export const OFFICE: Calendar = { name: 'office', openDays: MONDAY_TO_FRIDAY, openHour: 8, closeHour: 17.5, backlogMinutes: 50 };
/** Two warehouse shifts, six days a week. */
export const WAREHOUSE: Calendar = { name: 'warehouse', openDays: MONDAY_TO_SATURDAY, openHour: 6, closeHour: 22, backlogMinutes: 40 };
/** The nightly billing batch that turns the day's shipments into invoices. */
export const BILLING_RUN: Calendar = { name: 'billing run', openDays: EVERY_DAY, openHour: 22, closeHour: 22.5, backlogMinutes: 4 };

/** Day of week of a UTC day number (days since 1970-01-01, a Thursday), Sunday = 0. */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Whether `calendar` is open at epoch milliseconds `t`. */
export function isOpen(t: number, calendar: Calendar): boolean {
  const day = Math.floor(t / DAY_MS);
  const msOfDay = t - day * DAY_MS;
  return (
    calendar.openDays[weekday(day)] === true &&
    msOfDay >= calendar.openHour * HOUR_MS &&
    msOfDay < calendar.closeHour * HOUR_MS
  );
}

/**
 * The earliest time at or after `t` when a performer on `calendar` acts: `t`
 * itself while open, else the next opening plus a random backlog delay (whole
 * seconds, kept inside the open window).
 */
export function nextWorkingTime(t: number, calendar: Calendar, rng: Random): number {
  if (calendar === ALWAYS || isOpen(t, calendar)) return t;
  const openMs = calendar.openHour * HOUR_MS;
  const windowMs = (calendar.closeHour - calendar.openHour) * HOUR_MS;
  let day = Math.floor(t / DAY_MS);
  if (t - day * DAY_MS >= openMs) day += 1;
  while (calendar.openDays[weekday(day)] !== true) day += 1;
  const backlog = Math.min(rng.exponential(calendar.backlogMinutes * MINUTE_MS), windowMs - SECOND_MS);
  return day * DAY_MS + openMs + Math.round(backlog / SECOND_MS) * SECOND_MS;
}
