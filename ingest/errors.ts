/**
 * What a user can change to get past an ingest problem, named by the load option
 * it concerns (see IngestOptions), never by how one front end spells it: the CLI
 * words it as flags, a pull job as keys of its file, the upload page as its choices.
 */
export type Remedy =
  /** Load the good rows and keep the bad ones aside. */
  | { option: 'onBadRows' }
  /** The log exists: add to it or replace it (these modes), or choose another name. */
  | { option: 'mode'; modes: readonly ('append' | 'replace')[] }
  /** Name the source column of these roles. */
  | { option: 'mapping'; roles: readonly string[] }
  /** Choose another log name. */
  | { option: 'name' };

/** How one audience words a remedy. */
export type RemedyWording = (remedy: Remedy) => string;

/** The terminal's words: `waybill ingest`'s flags. An IngestError's message is written with them. */
export const COMMAND_LINE: RemedyWording = (remedy) => {
  switch (remedy.option) {
    case 'onBadRows':
      return 'pass --on-bad-rows quarantine to load the good rows and keep these aside';
    case 'mode':
      return `pass ${[...remedy.modes.map((mode) => (mode === 'append' ? "--append to add this file's new events" : '--replace to load it again')), '--name to choose another name'].join(', ').replace(/, (?=[^,]*$)/, ', or ')}`;
    case 'mapping':
      return `name ${remedy.roles.length === 1 ? 'it' : 'them'} with ${remedy.roles.map((role) => `--${role} COLUMN`).join(' ')}`;
    case 'name':
      return 'pass --name NAME to choose another name';
  }
};

/**
 * A problem with the input that the user can act on, as facts: the file as the
 * user named it, where known the line, column and value, what is wrong, and what
 * to change (`remedy`). `problem` holds no flag, path or database message, so any
 * audience may read it; `detail` keeps the text of the error underneath (DuckDB's,
 * the system's) for the terminal and the server log. `message` is the terminal's
 * wording; `describe` words the same facts for another audience.
 */
export class IngestError extends Error {
  readonly remedy?: Remedy;
  readonly detail?: string;

  constructor(
    readonly file: string,
    readonly problem: string,
    readonly line?: number,
    readonly column?: string,
    readonly value?: string,
    more: { remedy?: Remedy; detail?: string } = {},
  ) {
    super();
    this.name = 'IngestError';
    this.remedy = more.remedy;
    this.detail = more.detail;
    this.message = this.describe(COMMAND_LINE);
  }

  /** The message in `wording`'s words; with `detail: false`, without the underlying error's text. */
  describe(wording: RemedyWording, { detail = true }: { detail?: boolean } = {}): string {
    const where = `${this.line === undefined ? this.file : `${this.file}, line ${this.line}`}${this.column === undefined ? '' : `, column ${JSON.stringify(this.column)}`}`;
    let text = detail && this.detail !== undefined ? `${this.problem}: ${this.detail}` : this.problem;
    // The remedy closes the sentence: "… Nothing was loaded (pass …)." or "… exists; pass …".
    if (this.remedy !== undefined) text = text.endsWith('.') ? `${text.slice(0, -1)} (${wording(this.remedy)}).` : `${text}; ${wording(this.remedy)}`;
    const value = this.value === undefined ? '' : ` (value ${JSON.stringify(this.value.length > 80 ? `${this.value.slice(0, 80)}…` : this.value)})`;
    return `${where}: ${text}${value}`;
  }
}
