import { howDecided, type MappingDecision, type SourcePreview, type TimestampKind } from '../ingest/index.ts';
import type { AuditEntry, Bottlenecks, Kpis, Reconciliation, CaseDurationDistribution, CaseDurations, DurationBreakdown, DurationTrend, ExceptionTrends, MilestoneDurations, LoadHistory, LogInfo, ProcessMap, QueueAging, Variants } from '../mining/index.ts';
import { formatKpiValue, formatPercent, humanizeSeconds } from '../mining/format.ts';
import type { AnalysisName, AnalysisResults } from '../mining/analyses.ts';
import { formatNumber, formatTable, when } from './table.ts';

/** Human-readable renderings of the analyses for the terminal; `--json` bypasses these. */
export function printLogs(logs: readonly LogInfo[]): void {
  if (logs.length === 0) {
    console.log('No logs yet. Load one with `waybill ingest FILE` or start the demo with `npm start`.');
    return;
  }
  console.log(
    formatTable(
      ['log', 'events', 'cases', 'activities', 'variants', 'from', 'to', 'source'],
      logs.map((l) => [l.name, l.events, l.cases, l.activities, l.variants, day(l.firstTimestamp), day(l.lastTimestamp), l.source]),
    ),
  );
}

export function printProcessMap(map: ProcessMap): void {
  const hidden = [map.hiddenActivities ? `${map.hiddenActivities} activities hidden` : '', map.hiddenPaths ? `${map.hiddenPaths} paths hidden` : ''].filter(Boolean);
  console.log(`Process map of ${map.log}: ${formatNumber(map.cases)} cases, ${formatNumber(map.events)} events${hidden.length > 0 ? ` (${hidden.join(', ')})` : ''}\n`);
  console.log(formatTable(['activity', 'events', 'cases'], map.activities.map((a) => [a.name, a.count, a.cases])));
  console.log();
  const byCases = map.edges.some((e) => e.cases !== undefined);
  console.log(
    formatTable(
      ['from', 'to', 'count', ...(byCases ? ['cases'] : []), 'median', 'mean', 'p90', 'total'],
      map.edges.map((e) => [
        e.from,
        e.to,
        e.count,
        ...(byCases ? [e.cases ?? 0] : []),
        humanizeSeconds(e.duration.median),
        humanizeSeconds(e.duration.mean),
        humanizeSeconds(e.duration.p90),
        humanizeSeconds(e.duration.sum),
      ]),
    ),
  );
  console.log(`\nstart: ${map.start.map((s) => `${s.activity} (${formatNumber(s.count)})`).join(', ')}`);
  console.log(`end:   ${map.end.map((s) => `${s.activity} (${formatNumber(s.count)})`).join(', ')}`);
}

export function printVariants(result: Variants): void {
  console.log(`${formatNumber(result.variantCount)} variants over ${formatNumber(result.cases)} cases\n`);
  console.log(
    formatTable(
      ['#', 'variant', 'cases', 'share', 'cumulative', 'median', 'activities'],
      result.variants.map((v, i) => [result.offset + i + 1, v.rank, v.count, formatPercent(v.share), formatPercent(v.cumulativeShare), humanizeSeconds(v.duration.median), v.activities.join(' → ')]),
    ),
  );
}

export function printCaseDurations(result: CaseDurations): void {
  const s = result.seconds;
  console.log(`Case durations of ${result.log}: ${formatNumber(result.cases)} cases`);
  console.log(
    `min ${humanizeSeconds(s.min)}   median ${humanizeSeconds(s.median)}   mean ${humanizeSeconds(s.mean)}   p90 ${humanizeSeconds(s.p90)}   max ${humanizeSeconds(s.max)}\n`,
  );
  const peak = Math.max(1, ...result.histogram.map((b) => b.count));
  console.log(
    formatTable(
      ['from', 'to', 'cases', ''],
      result.histogram.map((b) => [humanizeSeconds(b.from), humanizeSeconds(b.to), b.count, '█'.repeat(Math.round((b.count / peak) * 40))]),
    ),
  );
}

function day(iso: string | null): string {
  return iso === null ? '–' : iso.slice(0, 10);
}

export function printLoadHistory(history: LoadHistory): void {
  const of = history.loadedAs === history.log ? history.log : `${history.loadedAs} (the object-centric log the case notion ${history.log} is derived from)`;
  console.log(`Loads of ${of}, newest first\n`);
  console.log(
    formatTable(
      ['load', 'loaded at', 'mode', 'rows', 'added', 'already held', 'quarantined', 'source'],
      history.loads.map((l) => [l.load, when(l.loadedAt), l.mode, l.rowsRead, l.eventsAdded, l.duplicatesSkipped, l.quarantined, l.source]),
    ),
  );
  if (history.quarantined === 0) return;
  const shown = history.quarantine.length < history.quarantined ? ` (the first ${formatNumber(history.quarantine.length)})` : '';
  console.log(`\n${formatNumber(history.quarantined)} quarantined rows${shown}\n`);
  console.log(
    formatTable(
      ['load', 'source', 'line', 'column', 'problem', 'value'],
      history.quarantine.map((q) => [q.load, q.source, q.line ?? '', q.column ?? '', q.problem, q.value ?? '']),
    ),
  );
}

export function printAudit(entries: readonly AuditEntry[]): void {
  if (entries.length === 0) {
    console.log('Nothing recorded yet: loads, uploads, settings and job runs are recorded as they happen.');
    return;
  }
  console.log(
    formatTable(
      ['at', 'who', 'via', 'from', 'action', 'log', 'what'],
      entries.map((e) => [when(e.at), e.actor, e.via, e.address ?? '', e.action, e.log ?? '', e.detail]),
    ),
  );
}

export function printPreview(preview: SourcePreview): void {
  const how = [preview.format, preview.encoding, preview.header === false ? 'no header line' : ''].filter(Boolean).join(', ');
  console.log(`${preview.file} (${how}): ${preview.columns.length} columns\n`);
  console.log(formatTable(preview.columns, preview.sample.map((row) => row.map((v) => (v === null ? '' : v.length > 40 ? `${v.slice(0, 39)}…` : v)))));
  console.log(`\n${formatMapping(preview)}`);
  const start = preview.proposal.startTimestamp;
  if (start) console.log(`\nThe values suggest ${start.columns.join(' + ')} as each event's start time (${start.reason}); it is kept as an attribute.`);
  if (preview.mapping === null) console.log(`\nNo mapping: ${preview.problem}.`);
  else console.log(`\nLoad it with \`waybill ingest ${preview.file}\` and the same flags.`);
}

const ROLES = ['case', 'activity', 'timestamp', 'resource', 'lifecycle'] as const;
const TIME_FORMATS: Record<TimestampKind, string> = {
  iso: 'ISO 8601 times',
  'day-first': 'day-first dates',
  'month-first': 'month-first dates',
  'year-first': 'year-first dates',
  'epoch-seconds': 'epoch seconds',
  'epoch-milliseconds': 'epoch milliseconds',
  'excel-serial': 'Excel serial days',
};

/**
 * The mapping a load uses, for the terminal: each role's column(s), how it was
 * decided and how sure, the flag that changes it, and the time zone naive times
 * are read in.
 */
export function formatMapping(decision: MappingDecision, timeZone = 'UTC'): string {
  const { proposal, by } = decision;
  const rows = ROLES.map((role) => {
    const proposed = proposal[role];
    const decided = by[role];
    const column = decided && proposed ? proposed.columns.join(' + ') : '(none)';
    const format = role === 'timestamp' && decided && proposal.timestamp && proposal.timestamp.format.confidence > 0 ? `; ${TIME_FORMATS[proposal.timestamp.format.kind]}` : '';
    return [role, column, `${howDecided(decision, role)}${format}`, `--${role} COLUMN`];
  });
  return [
    'Mapping:',
    formatTable(['role', 'column', 'decided', 'change with'], rows),
    `Times without a UTC offset are read as ${timeZone}; change with --timezone ZONE (e.g. Europe/Berlin).`,
  ].join('\n');
}

export function printQueueAging(result: QueueAging): void {
  const { rule } = result;
  console.log(`Queue aging of ${result.log} as of ${result.asOf}: ${formatNumber(result.openCases)} open cases`);
  console.log(
    `of ${formatNumber(rule.cases.started)} started: ${formatNumber(rule.cases.ended)} reached an end activity, ${formatNumber(rule.cases.silent)} judged ended by silence\n`,
  );
  console.log(rule.text);
  if (rule.evidence !== null) {
    // The end activities with their evidence, and the strongest others, so a near miss is visible.
    const shown = [...rule.evidence.filter((e) => e.end), ...rule.evidence.filter((e) => !e.end).slice(0, 3)];
    console.log(
      formatTable(
        ['activity', 'end', 'cases', `ended within ${humanizeSeconds(rule.endWithinSeconds)}`, 'share'],
        shown.map((e) => [e.activity, e.end ? 'yes' : '', e.cases, e.endedWithin, formatPercent(e.share, 1, true)]),
      ),
    );
  }
  console.log('');
  const bucketLabels = result.steps[0]?.buckets.map((b) => b.label) ?? [];
  console.log(
    formatTable(
      ['last step', 'open', 'mean age', 'max age', ...bucketLabels, 'over SLA'],
      result.steps.map((s) => [s.activity, s.count, humanizeSeconds(s.meanAgeSeconds), humanizeSeconds(s.maxAgeSeconds), ...s.buckets.map((b) => b.count), s.overSla ?? '']),
    ),
  );
  if (result.oldest.length === 0) return;
  console.log('\nOldest open cases');
  console.log(formatTable(['case', 'last step', 'at', 'waiting since then', 'case age'], result.oldest.map((o) => [o.case, o.activity, when(o.since), humanizeSeconds(o.ageSeconds), humanizeSeconds(o.caseAgeSeconds)])));
}

export function printBottlenecks(result: Bottlenecks): void {
  console.log(`Bottlenecks of ${result.log}, ranked by ${result.rankBy === 'total' ? 'total waiting time (count × median)' : 'median wait'}\n`);
  console.log(formatTable(['from', 'to', 'count', 'median', 'total'], result.handoffs.map((h) => [h.from, h.to, h.count, humanizeSeconds(h.medianSeconds), humanizeSeconds(h.totalSeconds)])));
  if (result.rework.length === 0) return;
  console.log('\nRework (an activity repeated in a case)');
  console.log(formatTable(['activity', 'cases', 'repeats', 'time lost'], result.rework.map((r) => [r.activity, r.cases, r.repeats, humanizeSeconds(r.secondsLost)])));
}

export function printExceptionTrends(result: ExceptionTrends): void {
  console.log(`Exceptions of ${result.log} per ${result.period} (by ${result.periodBy})\n`);
  const percent = (rate: number | null) => (rate === null ? '' : formatPercent(rate, 1, true));
  console.log(
    formatTable(
      ['type', 'events', 'cases', 'rate', 'trend per period', 'p', 'changes'],
      result.types.map((t) => [
        t.type,
        t.total,
        t.cases,
        percent(t.rate),
        t.trend.slope === null ? '' : `${t.trend.slope >= 0 ? '+' : ''}${(t.trend.slope * 100).toFixed(2)} pts${t.trend.significant ? ' (significant)' : ''}`,
        t.trend.pValue === null ? '' : t.trend.pValue.toFixed(3),
        t.changes.map((c) => `${c.kind} ${c.start.slice(0, 10)}`).join(', '),
      ]),
    ),
  );
}

const duration = (seconds: number | null | undefined) => (seconds === null || seconds === undefined ? '' : humanizeSeconds(seconds));

export function printCaseDistribution(result: CaseDurationDistribution): void {
  printCaseDurations(result);
  const p = result.percentiles;
  console.log(`\npercentiles: p10 ${duration(p.p10)}, p25 ${duration(p.p25)}, p50 ${duration(p.p50)}, p75 ${duration(p.p75)}, p90 ${duration(p.p90)}, p95 ${duration(p.p95)}, p99 ${duration(p.p99)}`);
}

export function printMilestones(result: MilestoneDurations): void {
  const s = result.seconds;
  console.log(`Milestone durations of ${result.log}: ${formatNumber(result.measured)} cases measured, ${formatNumber(result.missing)} missing a milestone, ${formatNumber(result.reversed)} reversed\n`);
  console.log(formatTable(['min', 'p25', 'median', 'mean', 'p75', 'p90', 'max'], [[duration(s.min), duration(s.p25), duration(s.median), duration(s.mean), duration(s.p75), duration(s.p90), duration(s.max)]]));
}

export function printBreakdown(result: DurationBreakdown): void {
  console.log(`Durations of ${result.log} by ${result.by}, sorted by ${result.sort}\n`);
  console.log(formatTable([result.by, 'cases', 'median', 'mean', 'p90'], result.buckets.map((b) => [b.label, b.cases, duration(b.median), duration(b.mean), duration(b.p90)])));
}

export function printTrend(result: DurationTrend): void {
  console.log(`Durations of ${result.log} per ${result.period} of case start\n`);
  console.log(formatTable(['period', 'cases', 'median', 'mean', 'p90'], result.series.map((p) => [p.start.slice(0, 10), p.cases, duration(p.median), duration(p.mean), duration(p.p90)])));
}

export function printKpis(result: Kpis): void {
  console.log(`KPIs of ${result.log}\n`);
  const value = (k: Kpis['kpis'][number]) => (k.value === null ? (k.reason ?? '') : (formatKpiValue(k, true) ?? ''));
  console.log(formatTable(['KPI', 'value'], result.kpis.map((k) => [k.name, value(k)])));
}

export function printReconciliation(result: Reconciliation): void {
  console.log(`Reconciliation of ${result.log}`);
  const { orderLines, purchaseLines, stock } = result;
  const listed = (shown: number, all: number) => (shown < all ? ` (the first ${formatNumber(shown)} of ${formatNumber(all)}; --limit shows more)` : '');

  console.log('\nOrder lines: ordered, shipped, invoiced');
  if (!orderLines.totals) console.log(`  ${orderLines.reason}`);
  else {
    const t = orderLines.totals;
    console.log(formatTable(['lines', 'ordered', 'shipped', 'invoiced', 'credited', 'short shipped', 'over shipped', 'under invoiced', 'over invoiced'], [[t.lines, t.ordered, t.shipped, t.invoiced, t.credited, t.shortShippedLines, t.overShippedLines, t.underInvoicedLines, t.overInvoicedLines]]));
    if (orderLines.variances.length > 0) {
      console.log(`\nLines with a variance${listed(orderLines.variances.length, t.varianceLines)}:`);
      console.log(formatTable(['line', 'ordered', 'shipped', 'invoiced', 'credited', 'shipped − ordered', 'invoiced − shipped'], orderLines.variances.map((v) => [v.line, v.ordered, v.shipped, v.invoiced, v.credited, v.shipVariance, v.invoiceVariance])));
    }
  }

  console.log('\nPurchase lines: ordered, received, invoiced (three-way match)');
  if (!purchaseLines.totals) console.log(`  ${purchaseLines.reason}`);
  else {
    const t = purchaseLines.totals;
    console.log(formatTable(['lines', 'ordered', 'received', 'invoiced', 'received lines', 'invoiced lines', 'receipt variances', 'mismatched', 'flagged', 'unexplained'], [[t.lines, t.ordered, t.received, t.invoiced, t.receivedLines, t.invoicedLines, t.receiptVarianceLines, t.mismatchedLines, t.flaggedLines, t.unexplainedLines]]));
    if (purchaseLines.variances.length > 0) {
      // A line may vary in both receipt and invoice: the count of lines with either is not among the totals.
      const more = purchaseLines.variances.length < Math.max(t.receiptVarianceLines, t.mismatchedLines) ? ` (the first ${formatNumber(purchaseLines.variances.length)}; --limit shows more)` : '';
      console.log(`\nLines with a variance${more}:`);
      console.log(formatTable(['line', 'sku', 'ordered', 'received', 'invoiced', 'received − ordered', 'invoiced − received', 'flagged'], purchaseLines.variances.map((v) => [v.line, v.sku ?? '', v.ordered ?? '', v.received, v.invoiced, v.receiptVariance ?? '', v.invoiceVariance, v.flagged ? 'yes' : ''])));
    }
  }

  console.log('\nStock per warehouse');
  if (!stock.totals) console.log(`  ${stock.reason}`);
  else {
    const t = stock.totals;
    console.log(formatTable(['warehouses', 'adjustments', 'units adjusted', 'shrinkage', 'found'], [[t.warehouses, t.adjustmentCount, t.adjustments, t.shrinkage, t.found]]));
    if (stock.variances.length > 0) {
      console.log(`\nCycle-count adjustments${listed(stock.variances.length, t.adjustmentCount)}:`);
      console.log(formatTable(['at', 'warehouse', 'sku', 'quantity'], stock.variances.map((v) => [when(v.at), v.warehouse, v.sku ?? '', v.quantity])));
    }
  }
}

function printCases(result: AnalysisResults['cases']): void {
  const shown = result.rows.length;
  const range = shown === 0 ? 'none' : `${formatNumber(result.offset + 1)}–${formatNumber(result.offset + shown)}`;
  console.log(`${result.log}: ${formatNumber(result.cases)} cases, ${range} shown, by ${result.sort} ${result.order === 'asc' ? 'ascending' : 'descending'}\n`);
  console.log(formatTable(['case', 'start', 'end', 'duration', 'events', 'variant', ...result.attributes], result.rows.map((row) => [row.case, when(row.start), when(row.end), humanizeSeconds(row.durationSeconds), row.events, row.variant, ...result.attributes.map((name) => row.attributes[name] ?? '')])));
}

function printCaseTimeline(result: AnalysisResults['case-timeline']): void {
  console.log(`Case ${result.case} of ${result.log}: ${when(result.start)} to ${when(result.end)} (${humanizeSeconds(result.durationSeconds)}), variant ${result.variant}\n`);
  console.log(formatTable(['at', 'activity', 'after', 'resource', 'values'], result.events.map((e) => [when(e.timestamp), e.activity, e.gapSeconds === null ? '' : humanizeSeconds(e.gapSeconds), e.resource ?? '', Object.entries(e.attributes).flatMap(([name, value]) => (value === null || value === '' ? [] : [`${name}=${value}`])).join(', ')])));
  if (result.objects.length > 0) {
    console.log('\nObjects its events also touch:');
    console.log(formatTable(['type', 'object', 'events', 'case notion'], result.objects.map((o) => [o.type, o.id, o.events, o.notion ?? ''])));
  }
}

function printResourceWorkload(result: AnalysisResults['resource-workload']): void {
  console.log(`Workload of ${result.log} per ${result.period}: ${formatNumber(result.totalEvents)} events, ${formatNumber(result.unassignedEvents)} with no resource`);
  const more = result.resourceCount > result.resources.length ? ` (the busiest ${formatNumber(result.resources.length)} of ${formatNumber(result.resourceCount)}; --limit shows more)` : '';
  console.log(`\nResources${more}:`);
  console.log(formatTable(['resource', 'events', 'cases', 'share of events'], result.resources.map((r) => [r.resource, r.events, r.cases, formatPercent(r.share)])));
  console.log(`\nPer ${result.period}:`);
  console.log(formatTable(['from', 'events', 'cases', ...result.resources.slice(0, 5).map((r) => r.resource)], result.periods.map((p, i) => [p.start.slice(0, 10), p.events, p.cases, ...result.resources.slice(0, 5).map((r) => r.series[i]?.events ?? 0)])));
}

function printOverview(result: AnalysisResults['overview']): void {
  const share = (part: number, whole: number) => (whole === 0 ? '' : ` (${formatPercent(part / whole)})`);
  console.log(`${result.log}: ${formatNumber(result.cases)} of ${formatNumber(result.totalCases)} cases${share(result.cases, result.totalCases)}, ${formatNumber(result.events)} of ${formatNumber(result.totalEvents)} events${share(result.events, result.totalEvents)}`);
  if (result.start !== null) console.log(`from ${result.start} to ${result.end}`);
  console.log(`
${formatTable(['activity', 'cases'], result.activities.map((a) => [a.name, a.cases]))}`);
  console.log(`
Cases started per ${result.timeline.period}:
${formatTable(['from', 'cases', 'kept'], result.timeline.buckets.map((b) => [b.start.slice(0, 10), b.cases, b.kept]))}`);
}

function printAttributeValues(result: AnalysisResults['attribute-values']): void {
  const range = result.min === null ? '' : `, from ${result.min} to ${result.max}`;
  console.log(`${result.attribute} (${result.type.toLowerCase()}): ${formatNumber(result.distinct)} values over ${formatNumber(result.cases)} cases${range}
`);
  console.log(formatTable(['value', 'cases'], result.values.map((v) => [v.value, v.cases])));
}

/** How `waybill mine NAME` prints each analysis for people; one without a printer prints its JSON, indented. */
const PRINTERS: { [Name in AnalysisName]?: (result: AnalysisResults[Name]) => void } = {
  'process-map': printProcessMap,
  variants: printVariants,
  'case-durations': printCaseDurations,
  'case-distribution': printCaseDistribution,
  milestones: printMilestones,
  'duration-breakdown': printBreakdown,
  'duration-trend': printTrend,
  'queue-aging': printQueueAging,
  bottlenecks: printBottlenecks,
  exceptions: printExceptionTrends,
  kpis: printKpis,
  'touchless-orders': (result) => console.log(result.computable ? `${result.touchless.length} of ${result.completed} completed orders touchless\n${result.touchless.join('\n')}` : result.reason),
  reconciliation: printReconciliation,
  'resource-workload': printResourceWorkload,
  cases: printCases,
  'case-timeline': printCaseTimeline,
  overview: printOverview,
  'attribute-values': printAttributeValues,
};

export function printAnalysis(name: AnalysisName, result: unknown): void {
  const printer = PRINTERS[name] as ((result: unknown) => void) | undefined;
  if (printer) printer(result);
  else console.log(JSON.stringify(result, null, 2));
}
