/** The named log does not exist. */
export class UnknownLogError extends Error {
  override name = 'UnknownLogError';
  constructor(readonly log: string) {
    super(`no log named ${JSON.stringify(log)}; \`waybill logs\` lists them`);
  }
}

/** A filter value that cannot be applied, with what was wrong in words a user can act on. */
export class FilterError extends Error {
  override name = 'FilterError';
}

/** An analysis option out of its range, in words a user can act on. */
export class OptionError extends Error {
  override name = 'OptionError';
}

/** Checks an optional whole-number option against its range. */
export function checkWholeNumber(value: number | undefined, name: string, min: number, max: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
    throw new OptionError(`${name} must be a whole number from ${min} to ${max}, not ${value}`);
  }
}

/**
 * The whole number `text` writes in plain digits, or undefined. `1e23`, `-1`,
 * `2.0` and `NaN` are not; nor is anything above 2^53 − 1, where a double stops
 * counting exactly (9007199254740993 would silently become …992).
 */
export function wholeNumber(text: string): number | undefined {
  if (!/^\s*\d+\s*$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** An optional whole-number option given as text (a query parameter, a CLI flag's value); its range is the analysis's to check. */
export function parseWholeNumber(text: string | undefined, name: string): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const value = wholeNumber(text);
  if (value === undefined) throw new OptionError(`${name} must be a whole number written in digits (at most ${Number.MAX_SAFE_INTEGER}), not ${JSON.stringify(text)}`);
  return value;
}
