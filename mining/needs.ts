import type { Params } from '../store/db.ts';
import { type KeySource, type LogTables, numericColumn, resolveKeyOrNote } from './reconciliation/keys.ts';

/**
 * What a computation needs from a log, collected before it runs: each lookup
 * answers what to use, and notes what the log lacks. A computation whose needs
 * are not `ok` answers "not computable: missing …" (`reason`), never a number.
 * The KPIs and reconciliation each extend it with how they name activities.
 */
export class Needs {
  readonly missing: string[] = [];

  constructor(protected readonly tables: LogTables) {}

  /** A numeric attribute as a SQL expression over the attribute table aliased `a` (see numericColumn); a missing one is noted. */
  number(name: string): string {
    const column = numericColumn(this.tables, name);
    if (column === undefined) this.note(`attribute ${JSON.stringify(name)}`);
    return column ?? 'NULL';
  }

  /** How events name an object of the first of `candidates` the log has (resolveKey), with its parameters; none is noted. */
  key(candidates: readonly string[], param: string, what: string): KeySource & { params: Params } {
    const { key, params } = resolveKeyOrNote(this.tables, candidates, param, what, this.missing);
    return { ...key, params };
  }

  note(what: string): void {
    this.missing.push(what);
  }

  get ok(): boolean {
    return this.missing.length === 0;
  }

  /** "not computable: missing …", each lack once, in the order found. */
  get reason(): string {
    return `not computable: missing ${[...new Set(this.missing)].join('; ')}`;
  }
}
