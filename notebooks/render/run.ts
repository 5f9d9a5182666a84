import { Marked, type Tokens } from 'marked';
import { findAnalysis } from '../../mining/analyses.ts';
import { FILTER_PARAMS, filterFromParams, logForNotion, type FilterParams } from '../../mining/filter/params.ts';
import { readParams, type Analysis } from '../../mining/registry.ts';
import type { Store } from '../../store/db.ts';
import { getKpiSettings, type LogKpiSettings } from '../../mining/kpis/settings.ts';
import { NotebookError, type AnalysisSpec, type ChartSpec, type Notebook } from './parse.ts';
import { Sandbox, type QueryResult } from './sandbox.ts';

/** A notebook run with its parameters: each block's output, in order. */
export interface NotebookRun {
  title: string;
  description: string | null;
  /** Each parameter with the value it ran with. */
  params: { name: string; value: string; default: string; help: string | null }[];
  blocks: RunBlock[];
  ranAt: string;
}

export type RunBlock =
  | { kind: 'text'; html: string }
  | { kind: 'table'; name: string; hidden: boolean; result: QueryResult }
  | { kind: 'chart'; chart: ChartSpec; result: QueryResult }
  | { kind: 'analysis'; analysis: string; title: string; log: string; filter: Record<string, string[]>; result: unknown; kpiSettings?: LogKpiSettings };

export interface RunOptions {
  /** Values for the notebook's parameters; the others take their defaults. */
  params?: Record<string, string>;
  /** Refuses a log the reader may not see (throws); default: every log may be read. */
  mayRead?: (log: string) => Promise<void>;
  /** Each query's time limit in seconds. */
  querySeconds?: number;
}

/**
 * Runs a notebook on the store: its queries in a sandbox holding a copy of the `log`
 * parameter's log (read only, time-limited), its analyses through the registry. Every
 * error is a NotebookError naming the file, the line and the block.
 */
export async function runNotebook(store: Store, notebook: Notebook, options: RunOptions = {}): Promise<NotebookRun> {
  const given = options.params ?? {};
  for (const name of Object.keys(given)) {
    if (!(name in notebook.params)) throw new NotebookError(notebook.file, null, 'parameters', `no parameter named ${JSON.stringify(name)}; this notebook takes ${Object.keys(notebook.params).join(', ') || 'none'}`);
  }
  const values = paramValues(notebook, given);
  const queries = notebook.blocks.flatMap((block) => (block.kind === 'sql' ? [block] : []));
  let sandbox: Sandbox | undefined;
  if (queries.length > 0) {
    const log = values.log;
    if (log === undefined) throw new NotebookError(notebook.file, queries[0]!.line, `query ${queries[0]!.name}`, 'a notebook with queries needs a log parameter: the log its queries read');
    await options.mayRead?.(log);
    sandbox = await Sandbox.open(store, log, queries.map((query) => query.sql));
  }
  try {
    const results = new Map<string, QueryResult>();
    const blocks: RunBlock[] = [];
    for (const block of notebook.blocks) {
      switch (block.kind) {
        case 'text':
          blocks.push({ kind: 'text', html: markdownHtml(interpolate(block.markdown, values)) });
          break;
        case 'sql': {
          try {
            const result = await sandbox!.query(block.sql, values, options.querySeconds);
            results.set(block.name, result);
            blocks.push({ kind: 'table', name: block.name, hidden: block.hidden, result });
          } catch (error) {
            throw new NotebookError(notebook.file, block.line, `query ${block.name}`, error instanceof Error ? error.message : String(error));
          }
          break;
        }
        case 'chart': {
          const result = results.get(block.chart.query)!;
          const y = Array.isArray(block.chart.y) ? block.chart.y : [block.chart.y];
          const missing = [block.chart.x, ...y, ...(block.chart.series === undefined ? [] : [block.chart.series])].filter((column) => !result.columns.some((c) => c.name === column));
          if (missing.length > 0) throw new NotebookError(notebook.file, block.line, 'chart', `query ${block.chart.query} has no column ${missing.map((m) => JSON.stringify(m)).join(', ')}; it has ${result.columns.map((c) => c.name).join(', ')}`);
          blocks.push({ kind: 'chart', chart: block.chart, result });
          break;
        }
        case 'waybill':
          blocks.push(await runAnalysis(store, notebook, block.analysis, block.line, values, options));
          break;
      }
    }
    return {
      title: interpolate(notebook.title, values),
      description: notebook.description === null ? null : interpolate(notebook.description, values),
      params: Object.entries(notebook.params).map(([name, param]) => ({ name, value: values[name]!, default: param.default, help: param.help })),
      blocks,
      ranAt: new Date().toISOString(),
    };
  } finally {
    sandbox?.close();
  }
}

async function runAnalysis(store: Store, notebook: Notebook, spec: AnalysisSpec, line: number, values: Record<string, string>, options: RunOptions): Promise<RunBlock> {
  const where = `waybill block ${spec.analysis}`;
  const fail = (problem: string) => new NotebookError(notebook.file, line, where, problem);
  const analysis = findAnalysis(spec.analysis) as Analysis | undefined;
  if (!analysis) throw fail(`no analysis named ${JSON.stringify(spec.analysis)}; \`waybill mine --list\` lists them`);
  const listed = (value: string | string[]) => (Array.isArray(value) ? value : [value]).map((one) => interpolate(one, values));
  const filterWords: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(spec.filter)) {
    if (!(FILTER_PARAMS as readonly string[]).includes(name)) throw fail(`no filter word ${JSON.stringify(name)}; the filter takes ${FILTER_PARAMS.join(', ')}`);
    filterWords[name] = listed(value);
  }
  for (const name of Object.keys(spec.params)) if (!(name in analysis.params.shape)) throw fail(`${spec.analysis} takes no ${JSON.stringify(name)}; it takes ${Object.keys(analysis.params.shape).join(', ') || 'nothing'}`);
  const root = interpolate(spec.log ?? values.log ?? '', values);
  if (root === '') throw fail('name the log: log: NAME, or give the notebook a log parameter');
  try {
    const log = logForNotion(root, filterWords as FilterParams);
    await options.mayRead?.(log);
    const params = readParams(analysis, (name, repeatable) => {
      const value = spec.params[name];
      if (value === undefined) return undefined;
      const all = listed(value);
      return repeatable ? all : all[0];
    });
    const result = await analysis.run(store, log, filterFromParams(filterWords as FilterParams), params);
    // KPI tiles say which activities each KPI reads, as the operations page does.
    const kpiSettings = spec.analysis === 'kpis' ? { kpiSettings: await getKpiSettings(store, log) } : {};
    return { kind: 'analysis', analysis: spec.analysis, title: spec.title ?? analysis.summary, log, filter: filterWords, result, ...kpiSettings };
  } catch (error) {
    throw fail(error instanceof Error ? error.message : String(error));
  }
}

/** Each parameter's value: the one given, else its default. */
export function paramValues(notebook: Notebook, given: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(notebook.params).map(([name, param]) => [name, given[name] ?? param.default]));
}

/** `{{ name }}` in text becomes the parameter's value. */
export function interpolate(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/gi, (whole, name: string) => values[name] ?? whole);
}

const markdown = new Marked({
  gfm: true,
  renderer: {
    // Markup written into a notebook is shown as text, never run or drawn.
    html: ({ text }: Tokens.HTML | Tokens.Tag) => escapeHtml(text),
    // Links go to web pages, mail or this site; anything else (javascript:, data:) is text.
    link({ href, tokens }: Tokens.Link) {
      const text = this.parser.parseInline(tokens);
      return /^(https?:|mailto:|\/|#)/i.test(href) ? `<a href="${escapeHtml(href)}">${text}</a>` : text;
    },
    image: ({ text }: Tokens.Image) => escapeHtml(text),
  },
});

export function markdownHtml(text: string): string {
  return markdown.parse(text, { async: false });
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}
