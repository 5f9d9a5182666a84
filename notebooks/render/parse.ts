import { marked, type Token } from 'marked';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * A notebook: Markdown with front matter (title, parameters with defaults) and fenced
 * blocks. ```` ```sql NAME ```` is a query over the notebook's log (shown as a table,
 * unless `hidden` follows the name); ```` ```chart ````
 * draws a query's result; ```` ```waybill ```` embeds an analysis of the registry.
 * Everything else is text.
 */
export interface Notebook {
  /** The file it was read from, as given (for messages). */
  file: string;
  title: string;
  description: string | null;
  params: Record<string, NotebookParam>;
  blocks: Block[];
}

export interface NotebookParam {
  default: string;
  help: string | null;
}

/** Where a block starts in its file (1-based), for messages that point at it. */
interface At {
  line: number;
}

export type Block =
  | ({ kind: 'text'; markdown: string } & At)
  | ({ kind: 'sql'; name: string; sql: string; hidden: boolean } & At)
  | ({ kind: 'chart'; chart: ChartSpec } & At)
  | ({ kind: 'waybill'; analysis: AnalysisSpec } & At);

export const CHART_TYPES = ['bar', 'line', 'area', 'scatter'] as const;

const ChartSpec = z
  .object({
    /** The query whose result is drawn. */
    query: z.string().min(1),
    type: z.enum(CHART_TYPES).default('bar'),
    x: z.string().min(1),
    y: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    /** A column whose values become one series each (one y column then). */
    series: z.string().min(1).optional(),
    title: z.string().optional(),
    stacked: z.boolean().default(false),
  })
  .strict();
export type ChartSpec = z.infer<typeof ChartSpec>;

const Scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const AnalysisSpec = z
  .object({
    /** An analysis of the registry: kpis, queue-aging, exceptions, variants, process-map … */
    analysis: z.string().min(1),
    /** Default: the notebook's `log` parameter. */
    log: z.string().min(1).optional(),
    title: z.string().optional(),
    /** The analysis's own parameters, as its CLI flags and query words name them. */
    params: z.record(z.string(), z.union([Scalar, z.array(Scalar)])).default({}),
    /** The filter, in the API's query words (has, where, from …). */
    filter: z.record(z.string(), z.union([Scalar, z.array(Scalar)])).default({}),
  })
  .strict();
export type AnalysisSpec = z.infer<typeof AnalysisSpec>;

const Param = z.union([Scalar.transform((value) => ({ default: value, help: null })), z.object({ default: Scalar, help: z.string().nullable().default(null) }).strict()]);
const FrontMatter = z
  .object({
    title: z.string().min(1),
    description: z.string().nullable().default(null),
    params: z.record(z.string().regex(/^[a-z_][a-z0-9_]*$/i, 'a parameter name is letters, digits and _'), Param).default({}),
  })
  .strict();

/** A notebook that cannot be read or run: where (file, line, block) and what is wrong. */
export class NotebookError extends Error {
  override name = 'NotebookError';
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly block: string | null,
    readonly problem: string,
  ) {
    super(`${file}${line === null ? '' : `:${line}`}${block === null ? '' : ` (${block})`}: ${problem}`);
  }
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;
const QUERY_NAME = /^[a-z_][a-z0-9_]*$/i;

/** Reads a notebook's text; every problem is a NotebookError naming the file and line. */
export function parseNotebook(text: string, file: string): Notebook {
  const front = FRONT_MATTER.exec(text);
  if (!front) throw new NotebookError(file, 1, null, 'a notebook starts with front matter between --- lines, with at least a title');
  let meta: z.infer<typeof FrontMatter>;
  try {
    meta = FrontMatter.parse(parseYaml(front[1]!) ?? {});
  } catch (error) {
    throw new NotebookError(file, 1, 'front matter', problemOf(error));
  }
  const blocks: Block[] = [];
  let line = lineCount(front[0]) + 1;
  const names = new Set<string>();
  let text_: Token[] = [];
  let textLine = line;
  const flushText = () => {
    const markdown = text_.map((token) => token.raw).join('');
    if (markdown.trim() !== '') blocks.push({ kind: 'text', markdown, line: textLine });
    text_ = [];
  };
  for (const token of marked.lexer(text.slice(front[0].length))) {
    const at = line;
    line += lineCount(token.raw);
    if (token.type !== 'code' || !('lang' in token) || !token.lang) {
      // Text starts at its first line that is not blank.
      if (text_.length === 0 && token.type === 'space') continue;
      if (text_.length === 0) textLine = at;
      text_.push(token);
      continue;
    }
    const [kind, name, ...rest] = (token.lang as string).trim().split(/\s+/);
    if (kind !== 'sql' && kind !== 'chart' && kind !== 'waybill') {
      // Any other fenced code (a shell example, say) is text.
      if (text_.length === 0) textLine = at;
      text_.push(token);
      continue;
    }
    flushText();
    const body = (token as { text: string }).text;
    if (kind === 'sql') {
      if (name === undefined || !QUERY_NAME.test(name)) throw new NotebookError(file, at, 'sql block', 'name each query: ```sql NAME, the name letters, digits and _');
      if (rest.some((word) => word !== 'hidden')) throw new NotebookError(file, at, `query ${name}`, `after the name, only "hidden" may follow (the query then only feeds charts), not ${JSON.stringify(rest.join(' '))}`);
      if (names.has(name)) throw new NotebookError(file, at, `query ${name}`, 'another query has this name');
      names.add(name);
      blocks.push({ kind: 'sql', name, sql: body, hidden: rest.includes('hidden'), line: at });
    } else {
      const label = kind === 'chart' ? 'chart' : 'waybill block';
      let spec: unknown;
      try {
        spec = parseYaml(body) ?? {};
      } catch (error) {
        throw new NotebookError(file, at, label, problemOf(error));
      }
      const parsed = (kind === 'chart' ? ChartSpec : AnalysisSpec).safeParse(spec);
      if (!parsed.success) throw new NotebookError(file, at, label, problemOf(parsed.error));
      if (kind === 'chart') {
        const chart = parsed.data as ChartSpec;
        if (!names.has(chart.query)) throw new NotebookError(file, at, label, `no query named ${JSON.stringify(chart.query)} comes before it`);
        if (chart.series !== undefined && Array.isArray(chart.y) && chart.y.length > 1) throw new NotebookError(file, at, label, 'with series, give one y column');
        blocks.push({ kind: 'chart', chart, line: at });
      } else {
        blocks.push({ kind: 'waybill', analysis: parsed.data as AnalysisSpec, line: at });
      }
    }
  }
  flushText();
  return { file, title: meta.title, description: meta.description, params: meta.params, blocks };
}

function lineCount(text: string): number {
  let lines = 0;
  for (const char of text) if (char === '\n') lines++;
  return lines;
}

function problemOf(error: unknown): string {
  if (error instanceof z.ZodError) return error.issues.map((issue) => `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`).join('; ');
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}
