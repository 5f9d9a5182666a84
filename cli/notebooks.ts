import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { notebookDocument, PAPERS, type DocumentRequest } from '../notebooks/render/document.ts';
import { openStore } from '../mining/index.ts';
import { describeNotebooks, loadNotebook, notebookCsvFiles, notebooksDir } from '../notebooks/render/files.ts';
import { interpolate, paramValues, runNotebook } from '../notebooks/render/run.ts';
import { formatTable } from './table.ts';

export interface NotebookContext {
  dbPath: string;
  dir?: string;
  json: boolean;
  format?: string;
  paper?: string;
  out?: string;
  params: string[];
  usage: (message: string) => Error;
}

/** `waybill notebook list | run NAME | render NAME`. */
export async function notebookCommand(args: string[], context: NotebookContext): Promise<void> {
  const [action, name, ...rest] = args;
  if (rest.length > 0) throw context.usage(`notebook ${action} takes one name, not ${JSON.stringify(rest.join(' '))}`);
  const dir = notebooksDir(context.dir);
  if (action === 'list') {
    if (name !== undefined) throw context.usage('notebook list takes no name');
    const notebooks = describeNotebooks(dir);
    if (context.json) console.log(JSON.stringify({ notebooks }));
    else if (notebooks.length === 0) console.log(`No notebooks in ${dir}.`);
    else console.log(formatTable(['notebook', 'title', 'parameters (default)'], notebooks.map((n) => [n.name, n.problem ?? n.title, Object.entries(n.params).map(([p, v]) => `${p}=${v.default}`).join(' ')])));
    return;
  }
  if (action !== 'run' && action !== 'render') throw context.usage('notebook takes list, run NAME or render NAME');
  if (name === undefined) throw context.usage(`notebook ${action} needs the notebook's name (\`waybill notebook list\` lists them)`);
  const params = Object.fromEntries(
    context.params.map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw context.usage(`--param takes NAME=VALUE, not ${JSON.stringify(pair)}`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
  const notebook = loadNotebook(dir, name);
  if (action === 'render') {
    const format = context.format;
    if (format !== 'csv' && format !== 'html' && format !== 'pdf') throw context.usage(`notebook render takes --format html, pdf or csv (one CSV per table), not ${JSON.stringify(format ?? '')}`);
    if (context.out === undefined) throw context.usage('notebook render needs --out DIR, the folder for its files');
    const paper = context.paper === undefined ? 'A4' : PAPERS.find((size) => size.toLowerCase() === context.paper!.toLowerCase());
    if (paper === undefined) throw context.usage(`--paper takes ${PAPERS.join(' or ')}, not ${JSON.stringify(context.paper)}`);
    if (format !== 'csv') {
      const started = performance.now();
      const file = join(context.out, `${name}.${format}`);
      writeDocument(file, await renderThroughPage(context.dbPath, dir, { name, params, format, paper }));
      console.log(`${interpolate(notebook.title, paramValues(notebook, params))}: wrote ${file} in ${((performance.now() - started) / 1000).toFixed(2)} s`);
      return;
    }
  }
  const started = performance.now();
  const run = await runNotebook(await openStore(context.dbPath), notebook, { params });
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  if (action === 'run') {
    if (context.json) console.log(JSON.stringify(run));
    else console.log(`${run.title}: ${run.blocks.length} blocks in ${seconds} s (${run.params.map((p) => `${p.name}=${p.value}`).join(', ')}); --json prints them, render --format csv writes its tables`);
    return;
  }
  mkdirSync(context.out!, { recursive: true });
  const files = notebookCsvFiles(run);
  for (const { file, csv } of files) writeFileSync(join(context.out!, file), csv);
  console.log(`${run.title}: wrote ${files.map((f) => f.file).join(', ')} to ${context.out} in ${seconds} s`);
}

function writeDocument(file: string, bytes: Buffer): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, bytes);
}

/**
 * The notebook's page, served by this process on a loopback port only it knows, with a
 * token made for this render, and printed by Chromium: the same page the dashboard shows.
 */
export async function renderThroughPage(dbPath: string, dir: string, request: Omit<DocumentRequest, 'baseUrl' | 'token'>): Promise<Buffer> {
  const token = process.env.WAYBILL_API_TOKEN ?? `render-${randomBytes(24).toString('hex')}`;
  Object.assign(process.env, { WAYBILL_API_TOKEN: token, WAYBILL_NOTEBOOKS: dir, WAYBILL_COMPUTE_AHEAD: 'off', WAYBILL_SIGN_IN_LINK: 'off' });
  const { listen } = await import('./serve.ts');
  const { server, port } = await listen({ dbPath, host: '127.0.0.1', port: '0' });
  try {
    return await notebookDocument({ ...request, baseUrl: `http://127.0.0.1:${port}`, token });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
