import { statSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ingestFile, IngestError, ingestLinkedFiles, type MappingDecision, parseObjectKeys, previewFile, type IngestProgress, type IngestResult } from '../ingest/index.ts';
import {
  FILTER_PARAMS,
  FilterError,
  filterFromParams,
  logForNotion,
  type FilterParams,
  getLoadHistory,
  quarantineCsv,
  auditCsv,
  listAudit,
  listLogs,
  openStore,
  OptionError,
  resolveDbPath,
  StoreBusyError,
  UnknownLogError,
} from '../mining/index.ts';
import { ANALYSES, findAnalysis, type AnalysisName } from '../mining/analyses.ts';
import { describeAnalysis, isRepeatable, paramHelp, readParams, type Analysis, type Param } from '../mining/registry.ts';
import { formatTable } from './table.ts';
import { NotebookError } from '../notebooks/render/parse.ts';
import { ReportFileError, UnknownReportError } from '../notebooks/reports/definition.ts';
import { closeStores, setAsideWal, StoreRecoveryError } from '../store/db.ts';
import { startProgress } from './progress.ts';
import { settingsCommand } from './settings.ts';
import { installShutdown } from './shutdown.ts';
import { formatMapping, printAnalysis, printAudit, printLoadHistory, printLogs, printPreview } from './print.ts';

const USAGE = `waybill — process intelligence for distribution businesses

Usage:
  waybill ingest FILE [--name NAME] [--case COL[+COL…]] [--activity COL[+COL…]] [--timestamp COL] [--resource COL] [--lifecycle COL]
                [--replace | --append] [--on-bad-rows reject|quarantine] [--timezone ZONE] [--preview]
      --preview shows the columns, first rows and mapping without loading anything; --timezone (IANA, e.g.
      Europe/Berlin) is where naive timestamps were written (default UTC). Dates may be ISO, day- or
      month-first (told from the data), epoch seconds or milliseconds, or Excel serial days. A role without a
      flag is recognized by its column's name, else decided from the values (then the mapping is printed);
      when two columns are equally plausible, or none is, ingest names the candidates and asks for the flag
  waybill ingest FILE… --name NAME --object TYPE=COLUMN[[]] …
      links event streams into one object-centric log by business keys, e.g. --object order=order_id
      --object \"order line=order_line_ids[]\" (a column of ;-separated ids); OCEL 2.0 / 1.0 files load as such
  waybill loads --log NAME [--limit N] [--json | --csv]
      a log's loads, and the rows they quarantined (line, column, why); --csv writes those rows for a spreadsheet
  waybill logs [--json]
  waybill logs restrict NAME --groups A,B     only users in group A or B (and admins) see the log and its case
                                               notions; --groups "" opens it to every signed-in user
  waybill logs delete NAME                     deletes the log, its case notions and its load history
  waybill users add NAME [--role viewer|analyst|admin] [--groups A,B] [--password-stdin]
      the password is asked for (twice, not shown), or read from standard input's first line
  waybill users list [--json] | remove NAME | set-role NAME ROLE | set-groups NAME A,B | set-password NAME
        | sign-out NAME (ends the user's sessions)
  waybill tokens create --role viewer|analyst|admin [--label TEXT] [--groups A,B] [--json]
      an API token for scripts, printed once: send it as "Authorization: Bearer TOKEN" (WAYBILL_API_TOKEN,
      set when the server starts, is one more, with the admin role)
  waybill tokens list [--json] | revoke ID
  waybill audit [--log NAME] [--limit N] [--json | --csv]
      who loaded, appended, replaced, uploaded, changed settings or ran a job, when and from where; newest first
  waybill mine ANALYSIS --log NAME [--json] [--from DATE] [--to DATE] [--timeframe MODE] [ANALYSIS'S OPTIONS]
      ANALYSIS: ${ANALYSES.map((analysis) => analysis.name).join(' | ')}
      \`waybill mine --list\` says what each answers; \`waybill mine ANALYSIS --help\` lists its options (the same words
      as the API's query parameters). kpis and exceptions read the log's saved settings (see waybill settings).
      MODE: intersecting (default) | contained | started | completed
      more filters (all must hold; the repeatable ones may be given several times):
        --where "warehouse = ATL" | "tier in (A, B)" | "amount between 10 and 99" | "note is missing"
        --has ACTIVITY  --without ACTIVITY  --repeats ACTIVITY  --has-any ACTIVITY  --variant 1,2  --min-duration 2d  --max-duration 90m
        --follows "A -> B" (directly)  --eventually "A -> B"  --starts ACTIVITY  --ends ACTIVITY
        --counted-by KPI | --not-counted-by KPI   the cases a KPI counts, or considers and does not (e.g. otif)
        --notion TYPE   for an object-centric log: analyse its case notion TYPE
  waybill settings --log NAME [--set kpis.PATH=VALUE]… [--unset kpis.PATH]… [--clear] [--json]
      the activities and attributes each KPI reads in this log (saved with it; the dashboard sets the same), e.g.
      --set kpis.orderActivity=none --set "kpis.cycleTime.start=Opened" --set "kpis.exceptionActivities=Escalated|Reopened"
  waybill generate --out DIR [--seed N] [--orders N | --events N] [--start DATE] [--days N] [--format csv|parquet|ocel2-json] [--scenario FILE]
      writes orders.csv, purchasing.csv, shipments.csv (three linked streams) and ground-truth.json;
      parquet writes .parquet files instead, ocel2-json one OCEL 2.0 log, ocel.json
  waybill serve [--host HOST] [--port PORT] [--schedule [--jobs DIR]]
      --schedule also runs the scheduled jobs and reports in the server, so the dashboard and API see their runs
  waybill demo [--host HOST] [--port PORT]     build if needed, load the demo log, serve
  waybill recover                              open a database whose write-ahead log cannot be replayed, with what its
                                               main file holds (the log is renamed aside, never deleted)
  waybill notebook list [--json]               the notebooks (Markdown with SQL, chart and analysis blocks) in
                                               --notebooks DIR (or WAYBILL_NOTEBOOKS); default ./notebooks
  waybill notebook run NAME [--param K=V]… [--json]     runs it: its queries read a copy of its log, never the store
  waybill notebook render NAME --format html|pdf|csv --out DIR [--param K=V]… [--paper A4|Letter]
      html: one self-contained file; pdf: each section from a new page (both printed by Chromium from the
      notebook's page); csv: one file per table
  waybill report list [--json]                 the reports in --reports DIR (or WAYBILL_REPORTS; default ./reports):
                                               one JSON file each naming a notebook, its parameters, formats, schedule
                                               and where it goes (e-mail via WAYBILL_SMTP_URL, a webhook, a folder)
  waybill report run NAME [--json]             renders and delivers it now, and records the run (exit 1 if it failed)
  waybill report history [NAME] [--limit N] [--json]   runs: start, end, status, bytes, deliveries, error
  waybill jobs list [--json]                   the pull jobs in the jobs folder, with last run and watermark
  waybill jobs run [NAME] [--json]             run one job, or all, once (exit 1 if a run fails)
  waybill jobs history [NAME] [--limit N] [--json]   runs: start, end, rows, status, error
  waybill schedule                             run the jobs on their cron schedules until Ctrl-C
      jobs take --jobs DIR (or WAYBILL_JOBS); default ./jobs, one JSON file per job

Every command takes --db PATH (or WAYBILL_DB); default ./data/waybill.duckdb.
--json prints exactly the JSON the API returns.`;

const OPTIONS = {
  db: { type: 'string' },
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  name: { type: 'string' },
  case: { type: 'string' },
  activity: { type: 'string' },
  timestamp: { type: 'string' },
  resource: { type: 'string' },
  lifecycle: { type: 'string' },
  replace: { type: 'boolean' },
  append: { type: 'boolean' },
  preview: { type: 'boolean' },
  timezone: { type: 'string' },
  object: { type: 'string', multiple: true },
  'on-bad-rows': { type: 'string' },
  log: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  timeframe: { type: 'string' },
  where: { type: 'string', multiple: true },
  has: { type: 'string', multiple: true },
  without: { type: 'string', multiple: true },
  repeats: { type: 'string', multiple: true },
  'has-any': { type: 'string', multiple: true },
  'counted-by': { type: 'string' },
  'not-counted-by': { type: 'string' },
  variant: { type: 'string', multiple: true },
  'min-duration': { type: 'string' },
  'max-duration': { type: 'string' },
  follows: { type: 'string', multiple: true },
  eventually: { type: 'string', multiple: true },
  starts: { type: 'string', multiple: true },
  ends: { type: 'string', multiple: true },
  notion: { type: 'string' },
  limit: { type: 'string' },
  out: { type: 'string' },
  seed: { type: 'string' },
  orders: { type: 'string' },
  events: { type: 'string' },
  start: { type: 'string' },
  days: { type: 'string' },
  format: { type: 'string' },
  scenario: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  jobs: { type: 'string' },
  schedule: { type: 'boolean' },
  set: { type: 'string', multiple: true },
  param: { type: 'string', multiple: true },
  notebooks: { type: 'string' },
  paper: { type: 'string' },
  reports: { type: 'string' },
  unset: { type: 'string', multiple: true },
  clear: { type: 'boolean' },
  role: { type: 'string' },
  groups: { type: 'string' },
  label: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  list: { type: 'boolean' },
} satisfies ParseArgsConfig['options'];

/** Every analysis's options, from the registry: one flag per parameter name, repeatable when the parameter is. */
const ANALYSIS_OPTIONS = analysisFlags();

function analysisFlags(): Record<string, { type: 'string'; multiple: boolean }> {
  const flags: Record<string, { type: 'string'; multiple: boolean }> = {};
  for (const analysis of ANALYSES) {
    for (const [name, schema] of Object.entries(analysis.params.shape) as [string, Param][]) {
      const multiple = isRepeatable(schema);
      const known = flags[name] ?? (OPTIONS as Record<string, { type: string; multiple?: boolean }>)[name];
      // One word, one meaning: a flag shared by analyses (or commands) takes values the same way everywhere.
      if (known && (known.type !== 'string' || (known.multiple ?? false) !== multiple)) throw new Error(`--${name} of ${analysis.name} clashes with another --${name}`);
      flags[name] = { type: 'string', multiple };
    }
  }
  return flags;
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** A mistake in how the command was called: exit code 2, with the usage hint. */
class UsageError extends Error {}

/** Runs the CLI with these arguments and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let command: string | undefined;
  installShutdown();
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: { ...ANALYSIS_OPTIONS, ...OPTIONS }, allowPositionals: true, strict: true });
    [command] = positionals;
    if (values.help && command === 'mine' && positionals[1] !== undefined) {
      console.log(analysisHelp(positionals[1]));
      return 0;
    }
    if (values.help || command === undefined || command === 'help') {
      console.log(USAGE);
      return 0;
    }
    await run(command, positionals.slice(1), values);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      console.error(`waybill: ${error.message}\nRun \`waybill --help\` for usage.`);
      return 2;
    }
    const known = [IngestError, UnknownLogError, FilterError, OptionError, StoreBusyError, StoreRecoveryError, NotebookError, ReportFileError, UnknownReportError].some((type) => error instanceof type);
    console.error(`waybill${command ? ` ${command}` : ''}: ${error instanceof Error ? error.message : String(error)}`);
    if (!known && error instanceof Error && process.env.WAYBILL_DEBUG) console.error(error.stack);
    return 1;
  } finally {
    // Every store this command opened is checkpointed and closed: its write-ahead log is left empty.
    await closeStores();
  }
}

/** A terminal progress bar for a load: megabytes of the file read, with rate; then a note while the log is stored. */
function ingestProgress(file: string): { update: (progress: IngestProgress) => void; stop: () => void } {
  let megabytes = 0;
  try {
    megabytes = statSync(file).size / 1e6;
  } catch {
    // ingestFile reports a missing file.
  }
  const bar = startProgress('Reading', megabytes, 'MB');
  let storing = false;
  return {
    update: ({ phase, fraction }) => {
      if (phase === 'reading') bar.update(fraction * megabytes);
      else if (!storing) {
        storing = true;
        bar.update(megabytes);
        bar.stop();
        if (process.stderr.isTTY && megabytes > 0) process.stderr.write('Storing the log: ordering cases, deriving variants …\n');
      }
    },
    stop: () => bar.stop(),
  };
}

/** What loading an object-centric log did: its objects, and the case notions to analyse it by. */
function describeObjectLoad(result: IngestResult, seconds: number): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const notions = (result.caseNotions ?? []).map((c) => `  ${JSON.stringify(c.name)}: ${n(c.events)} events, ${n(c.cases)} cases, ${n(c.variants)} variants`);
  return [`Loaded ${JSON.stringify(result.name)}: ${n(result.events)} events, ${n(result.cases)} objects of ${(result.objectTypes ?? []).length} types in ${seconds.toFixed(2)} s. Analyse it by a case notion:`, ...notions].join('\n');
}

/** One line on what a load did. */
function describeLoad(result: IngestResult, seconds: number): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const { load } = result;
  const log = `${n(result.events)} events, ${n(result.cases)} cases, ${result.activities} activities, ${n(result.variants)} variants`;
  if (load.unchanged) return `${JSON.stringify(result.name)} already holds this file (same SHA-256): nothing to do. The log has ${log}.`;
  const extras = [
    load.duplicatesSkipped > 0 ? `${n(load.duplicatesSkipped)} already held` : '',
    load.quarantined > 0 ? `${n(load.quarantined)} bad rows quarantined (waybill loads --log ${JSON.stringify(result.name)})` : '',
  ].filter(Boolean);
  const what = load.mode === 'append' ? `Added ${n(load.eventsAdded)} events to` : 'Loaded';
  return `${what} ${JSON.stringify(result.name)}${extras.length > 0 ? ` (${extras.join('; ')})` : ''}: ${log} in ${seconds.toFixed(2)} s`;
}

async function run(command: string, args: string[], values: Values): Promise<void> {
  const dbPath = resolveDbPath(values.db);
  switch (command) {
    case 'ingest': {
      if (args.length === 0) throw new UsageError('ingest takes a FILE (or several with --object)');
      const mapping = Object.fromEntries(
        (['case', 'activity', 'timestamp', 'resource', 'lifecycle'] as const).flatMap((role) => (values[role] === undefined ? [] : [[role, values[role]]])),
      );
      if (values.object !== undefined) {
        if (values.name === undefined) throw new UsageError('linked files need --name NAME for the object-centric log');
        if (values.append) throw new UsageError('--append does not apply to linked files; use --replace to load them again');
        const started = performance.now();
        const result = await ingestLinkedFiles(await openStore(dbPath), args, { name: values.name, objects: parseObjectKeys(values.object), mapping, mode: values.replace ? 'replace' : 'create' });
        if (values.json) console.log(JSON.stringify(result));
        else console.log(describeObjectLoad(result, (performance.now() - started) / 1000));
        return;
      }
      if (args.length !== 1) throw new UsageError('ingest takes one FILE; to link several streams into one object-centric log, name their keys with --object TYPE=COLUMN');
      const store = await openStore(dbPath);
      if (values.preview) {
        const preview = await previewFile(args[0]!, args[0]!, mapping);
        if (values.json) console.log(JSON.stringify(preview));
        else printPreview(preview);
        return;
      }
      if (values.replace && values.append) throw new UsageError('give --replace or --append, not both');
      const onBadRows = values['on-bad-rows'] ?? 'reject';
      if (onBadRows !== 'reject' && onBadRows !== 'quarantine') throw new UsageError(`--on-bad-rows is reject or quarantine, not ${JSON.stringify(onBadRows)}`);
      const mode = values.replace ? 'replace' : values.append ? 'append' : 'create';
      const started = performance.now();
      const progress = ingestProgress(args[0]!);
      // A mapping partly decided from the values is shown with the flags that change it, whether the load succeeds or not.
      let decision: MappingDecision | undefined;
      const guessed = () => decision !== undefined && Object.values(decision.by).includes('values');
      const result = await ingestFile(store, args[0]!, { name: values.name, mapping, mode, onBadRows, timeZone: values.timezone, onMapping: (made) => (decision = made), onProgress: progress.update })
        .finally(progress.stop)
        .catch((error: unknown) => {
          if (guessed() && decision!.mapping !== null) console.error(formatMapping(decision!, values.timezone));
          throw error;
        });
      const seconds = (performance.now() - started) / 1000;
      if (values.json) console.log(JSON.stringify(result));
      else {
        if (guessed()) console.log(formatMapping(decision!, values.timezone));
        console.log(result.caseNotions ? describeObjectLoad(result, seconds) : describeLoad(result, seconds));
      }
      return;
    }
    case 'loads': {
      noArgs(command, args);
      if (values.log === undefined) throw new UsageError('loads needs --log NAME (`waybill logs` lists them)');
      const limit = values.limit === undefined ? undefined : Number(values.limit);
      const history = await getLoadHistory(await openStore(dbPath), values.log, limit === undefined ? {} : { limit });
      if (values.json) console.log(JSON.stringify(history));
      else if (values.csv) process.stdout.write(quarantineCsv(history));
      else printLoadHistory(history);
      return;
    }
    case 'audit': {
      noArgs(command, args);
      const limit = integerOption(values.limit, '--limit');
      const entries = await listAudit(await openStore(dbPath), { limit, log: values.log });
      if (values.json) console.log(JSON.stringify({ entries }));
      else if (values.csv) process.stdout.write(auditCsv(entries));
      else printAudit(entries);
      return;
    }
    case 'recover': {
      noArgs(command, args);
      const aside = setAsideWal(dbPath);
      const logs = await listLogs(await openStore(dbPath));
      console.log(
        aside === null
          ? `${dbPath} has no write-ahead log to set aside; it opens as it is.`
          : `The write-ahead log that could not be replayed was set aside as ${aside} (kept, not deleted). ` +
              `${dbPath} now opens with what it held at its last checkpoint: ${logs.length} log${logs.length === 1 ? '' : 's'}. ` +
              'Load again whatever was loaded after that.',
      );
      if (logs.length > 0) printLogs(logs);
      return;
    }
    case 'logs': {
      const [action, name, ...rest] = args;
      if (action === 'restrict' || action === 'delete') {
        noArgs(`logs ${action}`, rest);
        const { logAdminCommand } = await import('./accounts.ts');
        await logAdminCommand(action, name, accountContext(dbPath, values));
        return;
      }
      noArgs(command, args);
      const logs = await listLogs(await openStore(dbPath));
      if (values.json) console.log(JSON.stringify({ logs }));
      else printLogs(logs);
      return;
    }
    case 'mine': {
      await mine(args, values, dbPath);
      return;
    }
    case 'settings': {
      noArgs(command, args);
      if (values.log === undefined) throw new UsageError('settings needs --log NAME (`waybill logs` lists them)');
      const usage = (message: string) => new UsageError(message);
      await settingsCommand({ dbPath, log: values.log, set: values.set ?? [], unset: values.unset ?? [], clear: values.clear === true, json: values.json === true, usage });
      return;
    }
    case 'generate': {
      noArgs(command, args);
      if (values.out === undefined) throw new UsageError('generate needs --out DIR (a folder for the three CSV files and ground-truth.json)');
      const format = values.format ?? 'csv';
      if (format !== 'csv' && format !== 'parquet' && format !== 'ocel2-json') {
        throw new UsageError(`--format must be csv or parquet (tables) or ocel2-json (OCEL 2.0), not ${JSON.stringify(format)}`);
      }
      const { generateDistributor } = await import('./demo.ts');
      const result = await generateDistributor(values.out, {
        seed: integerOption(values.seed, '--seed') ?? 1,
        orders: integerOption(values.orders, '--orders'),
        events: integerOption(values.events, '--events'),
        start: values.start,
        days: integerOption(values.days, '--days'),
        format,
        scenario: values.scenario,
      });
      console.log(
        `Wrote ${result.events.total.toLocaleString('en-US')} events of ${result.orders.toLocaleString('en-US')} orders ` +
          `(orders ${result.events.orders.toLocaleString('en-US')}, purchasing ${result.events.purchasing.toLocaleString('en-US')}, ` +
          `shipments ${result.events.shipments.toLocaleString('en-US')}) to ${values.out}: ${result.files.join(', ')}`,
      );
      return;
    }
    case 'serve':
    case 'demo': {
      noArgs(command, args);
      const { serve, prepareDemo } = await import('./serve.ts');
      if (command === 'demo') await prepareDemo(dbPath);
      await serve({ dbPath, host: values.host, port: values.port, schedule: values.schedule, jobsDir: values.jobs });
      return;
    }
    case 'users':
    case 'tokens': {
      const { tokensCommand, usersCommand } = await import('./accounts.ts');
      await (command === 'users' ? usersCommand : tokensCommand)(args, accountContext(dbPath, values));
      return;
    }
    case 'notebook': {
      const { notebookCommand } = await import('./notebooks.ts');
      await notebookCommand(args, { dbPath, dir: values.notebooks, json: values.json === true, format: values.format, paper: values.paper, out: values.out, params: values.param ?? [], usage: (message) => new UsageError(message) });
      return;
    }
    case 'report': {
      const { reportCommand } = await import('./reports.ts');
      await reportCommand(args, { dbPath, reports: values.reports, notebooks: values.notebooks, json: values.json === true, limit: integerOption(values.limit, '--limit'), usage: (message) => new UsageError(message) });
      return;
    }
    case 'jobs':
    case 'schedule': {
      const { jobsCommand, scheduleCommand } = await import('./jobs.ts');
      const context = { dbPath, jobsDir: values.jobs, json: values.json === true, limit: integerOption(values.limit, '--limit'), usage: (message: string) => new UsageError(message) };
      await (command === 'jobs' ? jobsCommand(args, context) : scheduleCommand(args, context));
      return;
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}

/** `waybill mine NAME`: one analysis of the registry, with its own flags and the filter's. */
async function mine(args: readonly string[], values: Values, dbPath: string): Promise<void> {
  const [name, ...rest] = args;
  const names = ANALYSES.map((analysis) => analysis.name).join(', ');
  if (values.list) {
    if (values.json) console.log(JSON.stringify({ analyses: ANALYSES.map(describeAnalysis) }));
    else console.log(formatTable(['analysis', 'what it answers'], ANALYSES.map((analysis) => [analysis.name, analysis.summary])));
    return;
  }
  if (name === undefined) throw new UsageError(`mine needs an ANALYSIS: ${names}`);
  const analysis = findAnalysis(name) as Analysis | undefined;
  if (!analysis) throw new UsageError(`unknown analysis ${JSON.stringify(name)}: use ${names}`);
  noArgs('mine', rest);
  if (values.log === undefined) throw new UsageError('mine needs --log NAME (`waybill logs` lists them)');
  const given = values as Record<string, string | string[] | boolean | undefined>;
  const foreign = Object.keys(ANALYSIS_OPTIONS).filter((flag) => given[flag] !== undefined && !(flag in analysis.params.shape));
  if (foreign.length > 0) {
    const own = Object.keys(analysis.params.shape).map((flag) => `--${flag}`);
    throw new UsageError(`${analysis.name} does not take ${foreign.map((flag) => `--${flag}`).join(', ')}; it takes ${own.length > 0 ? own.join(', ') : 'no options'} besides the filter`);
  }
  const filterParams: FilterParams = Object.fromEntries(FILTER_PARAMS.flatMap((flag) => (given[flag] === undefined ? [] : [[flag, given[flag]]])));
  const params = readParams(analysis, (flag) => given[flag] as string | string[] | undefined);
  const result = await analysis.run(await openStore(dbPath), logForNotion(values.log, filterParams), filterFromParams(filterParams), params);
  if (values.json) console.log(JSON.stringify(result));
  else printAnalysis(analysis.name as AnalysisName, result);
}

/** `waybill mine NAME --help`: what it answers and its options, from the registry. */
function analysisHelp(name: string): string {
  const analysis = findAnalysis(name) as Analysis | undefined;
  if (!analysis) return `unknown analysis ${JSON.stringify(name)}: use ${ANALYSES.map((a) => a.name).join(', ')}`;
  const options = (Object.entries(analysis.params.shape) as [string, Param][]).map(([flag, schema]) => {
    const help = paramHelp(schema);
    return `  --${flag} ${help.value}${help.repeatable ? ' (repeatable)' : ''}\n      ${help.help}${help.default === undefined ? '' : `; default ${help.default}`}`;
  });
  return [`waybill mine ${analysis.name} --log NAME [--json] [filter options]`, '', analysis.summary, '', ...(options.length > 0 ? ['Options:', ...options] : ['No options besides the filter.']), '', `API: GET /api/logs/:log/${analysis.name}?OPTION=VALUE…`].join('\n');
}

function accountContext(dbPath: string, values: Values) {
  return {
    dbPath,
    json: values.json === true,
    role: values.role,
    groups: values.groups,
    label: values.label,
    passwordStdin: values['password-stdin'] === true,
    usage: (message: string) => new UsageError(message),
  };
}

function noArgs(command: string, args: readonly string[]): void {
  if (args.length > 0) throw new UsageError(`${command}: unexpected argument ${JSON.stringify(args[0])}`);
}

function integerOption(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value)) throw new UsageError(`${flag} must be a whole number, not ${JSON.stringify(text)}`);
  return value;
}
