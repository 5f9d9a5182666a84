/** The named log does not exist. */
export class UnknownLogError extends Error {
  override name = 'UnknownLogError';
  constructor(readonly log: string) {
    super(`no log named ${JSON.stringify(log)}; \`waybill logs\` lists them`);
  }
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
