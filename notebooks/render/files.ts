import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { toCsv, type CsvCell } from '../../mining/export/csv.ts';
import { NotebookError, parseNotebook, type Notebook } from './parse.ts';
import { interpolate, paramValues, type NotebookRun } from './run.ts';

/** The notebooks folder: WAYBILL_NOTEBOOKS, else ./notebooks (this repository's, with the starter notebooks). */
export function notebooksDir(explicit?: string): string {
  return resolve(explicit ?? process.env.WAYBILL_NOTEBOOKS ?? 'notebooks');
}

const NAME = /^[a-z0-9][a-z0-9_-]*$/i;

/** Every notebook in the folder (each `NAME.md` but the README), read and checked: one that cannot be read comes with its problem. */
export function listNotebooks(dir: string): ({ name: string; notebook: Notebook; problem: null } | { name: string; notebook: null; problem: string })[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.md') && file.toLowerCase() !== 'readme.md' && NAME.test(file.slice(0, -3)))
    .sort()
    .map((file) => {
      const name = file.slice(0, -3);
      try {
        return { name, notebook: loadNotebook(dir, name), problem: null };
      } catch (error) {
        if (error instanceof NotebookError) return { name, notebook: null, problem: error.message };
        throw error;
      }
    });
}

/** The notebooks as listed by the CLI and the API: name, title, description and parameters, or the problem. */
export function describeNotebooks(dir: string) {
  return listNotebooks(dir).map(({ name, notebook, problem }) => {
    if (!notebook) return { name, title: name, description: null, params: {} as Notebook['params'], problem };
    // Titles name their parameters' defaults, as the notebook runs by default.
    const defaults = paramValues(notebook);
    return { name, title: interpolate(notebook.title, defaults), description: notebook.description === null ? null : interpolate(notebook.description, defaults), params: notebook.params, problem };
  });
}

/** The notebook `NAME.md` of the folder; a NotebookError if there is none or it cannot be read. */
export function loadNotebook(dir: string, name: string): Notebook {
  const file = join(dir, `${name}.md`);
  if (!NAME.test(name) || !existsSync(file)) {
    const known = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.md') && f.toLowerCase() !== 'readme.md').map((f) => f.slice(0, -3)) : [];
    throw new NotebookError(`${name}.md`, null, null, `no notebook named ${JSON.stringify(name)}; the notebooks are ${known.join(', ') || 'none'}`);
  }
  return parseNotebook(readFileSync(file, 'utf8'), `notebooks/${name}.md`);
}

/**
 * A notebook run as CSV files, one per table: each query's whole result, and the
 * KPIs of a kpis block. Cells that a spreadsheet would run as a formula are neutralized.
 */
export function notebookCsvFiles(run: NotebookRun): { file: string; csv: string }[] {
  const files: { file: string; csv: string }[] = [];
  let analyses = 0;
  for (const block of run.blocks) {
    if (block.kind === 'table') files.push({ file: `${block.name}.csv`, csv: toCsv(block.result.columns.map((c) => c.name), block.result.rows as CsvCell[][]) });
    if (block.kind === 'analysis' && block.analysis === 'kpis') {
      const { kpis } = block.result as { kpis: { id: string; name: string; value: number | null; unit: string; computable: boolean; reason: string | null }[] };
      files.push({ file: `kpis${analyses++ === 0 ? '' : `-${analyses}`}.csv`, csv: toCsv(['id', 'name', 'value', 'unit', 'computable', 'reason'], kpis.map((k) => [k.id, k.name, k.value, k.unit, k.computable, k.reason])) });
    }
  }
  return files;
}
