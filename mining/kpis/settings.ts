import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import type { Store } from '../../store/db.ts';
import { getLogSetting, setLogSetting } from '../../store/settings.ts';
import { runAnalysis } from '../analysis.ts';
import { OptionError } from '../errors.ts';
import { logTables } from '../columns.ts';
import { KPI_SETTING_PATHS, kpiField, type KpiSettings, settingAt } from './fields.ts';

/** The `log_settings` key under which a log's KPI settings are saved. */
const KEY = 'kpis';

const name = z.string().min(1).max(1000);
const names = z.array(name).max(10_000);
/** Candidate names of a business key, tried in order (see resolveKey). */
const keys = z.array(name).min(1).max(20);

/** The shape of saved KPI settings: KpiSettings, every field optional, nothing else. */
const KpiSettingsSchema = z
  .strictObject({
    orderActivity: name.nullable(),
    exceptionActivities: names,
    manualResourcePrefixes: names,
    cycleTime: z.strictObject({ start: name, end: name }).partial(),
    touchless: z.strictObject({ completedActivity: name }).partial(),
    creditTurnaround: z.strictObject({ from: name, to: name }).partial(),
    fillRate: z.strictObject({ allocationActivities: names.min(1), allocatedAttribute: name, orderedAttribute: name, lineKeys: keys }).partial(),
    otif: z.strictObject({ deliveredActivity: name, promisedAttribute: name, orderedAttribute: name, shippedAttribute: name, lineKeys: keys, shipmentKeys: keys }).partial(),
    perfectOrder: z.strictObject({ invoiceActivities: names.min(1), invoicedAttribute: name, failureActivities: names, returnActivities: names, returnOrderAttribute: name }).partial(),
    receiptToAvailable: z.strictObject({ from: name, to: name, matchKeys: keys }).partial(),
  })
  .partial() satisfies z.ZodType<KpiSettings>;

/** A log's saved KPI settings, and what it offers to point them at. */
export interface LogKpiSettings {
  log: string;
  /** The saved settings; a setting not in it takes the default (KPI_DEFAULTS). */
  settings: KpiSettings;
  /** When they were saved (ISO-8601 UTC); null when none are. */
  updatedAt: string | null;
  /** The log's activities, attributes (with their SQL types) and object types, by name. */
  choices: { activities: string[]; attributes: { name: string; type: string }[]; objectTypes: string[] };
}

/**
 * The KPI settings saved for the log named `log` ({} when none). Settings that no
 * longer fit the schema (saved by another version) are ignored rather than failing
 * every KPI of the log: the defaults apply until they are saved again.
 */
export async function savedKpiSettings(connection: DuckDBConnection, log: string): Promise<{ settings: KpiSettings; updatedAt: string | null }> {
  const saved = await getLogSetting(connection, log, KEY);
  const parsed = KpiSettingsSchema.safeParse(saved?.value);
  return parsed.success ? { settings: parsed.data, updatedAt: saved!.updatedAt } : { settings: {}, updatedAt: null };
}

/** A log's saved KPI settings with its activities, attributes and object types to choose from. */
export async function getKpiSettings(store: Store, log: string): Promise<LogKpiSettings> {
  return runAnalysis(store, log, {}, async (scope) => {
    const { choices } = await logChoices(scope.connection, scope.log.id, await scope.activityNames());
    return { log, ...(await savedKpiSettings(scope.connection, log)), choices };
  });
}

/**
 * Replaces a log's KPI settings with `input` (`{}` clears them): checked against the
 * schema and against the log, so every activity, attribute and key it names is the
 * log's own. Throws OptionError (a client's mistake) otherwise. Returns what is saved.
 */
export async function saveKpiSettings(store: Store, log: string, input: unknown): Promise<LogKpiSettings> {
  const parsed = KpiSettingsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new OptionError(`KPI settings: ${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
  }
  const settings = parsed.data;
  return runAnalysis(store, log, {}, async (scope) => {
    const { choices, activities, attributes, objectTypes } = await logChoices(scope.connection, scope.log.id, await scope.activityNames());
    const refuse = (path: string, what: string) => {
      throw new OptionError(`KPI settings: ${path}: the log ${JSON.stringify(log)} has no ${what}`);
    };
    for (const path of KPI_SETTING_PATHS) {
      const value = settingAt(settings, path);
      if (value === undefined || value === null) continue;
      const values = typeof value === 'string' ? [value] : value;
      switch (kpiField(path).kind) {
        case 'orders':
        case 'activity':
        case 'activities':
          for (const name of values) if (!activities.has(name)) refuse(path, `activity ${JSON.stringify(name)}`);
          break;
        case 'attribute':
          for (const name of values) if (!attributes.has(name)) refuse(path, `attribute ${JSON.stringify(name)}`);
          break;
        case 'key':
          if (!values.some((name) => attributes.has(name) || objectTypes.has(name))) refuse(path, `attribute or object type ${values.map((v) => JSON.stringify(v)).join(' or ')}`);
          break;
        case 'prefixes':
          break;
      }
    }
    await setLogSetting(scope.connection, log, KEY, Object.keys(settings).length === 0 ? null : settings);
    return { log, ...(await savedKpiSettings(scope.connection, log)), choices };
  });
}

async function logChoices(connection: DuckDBConnection, logId: number, activityNames: string[]) {
  const tables = await logTables(connection, logId);
  const objectTypes = [...new Set([...tables.objectTypes, ...tables.notionLogs.keys()])].sort();
  const attributes = [...tables.attributes].map(([name, type]) => ({ name, type })).sort((a, b) => a.name.localeCompare(b.name));
  return {
    choices: { activities: [...activityNames].sort((a, b) => a.localeCompare(b)), attributes, objectTypes },
    activities: new Set(activityNames),
    attributes: new Set(tables.attributes.keys()),
    objectTypes: new Set(objectTypes),
  };
}
