import {
  effectiveSetting,
  getKpiSettings,
  isKpiSettingPath,
  KPI_SETTING_PATHS,
  kpiField,
  type KpiSettings,
  type LogKpiSettings,
  openStore,
  saveKpiSettings,
  settingAt,
  withSetting,
} from '../mining/index.ts';
import { formatTable } from './table.ts';

export interface SettingsContext {
  dbPath: string;
  log: string;
  set: readonly string[];
  unset: readonly string[];
  clear: boolean;
  json: boolean;
  usage: (message: string) => Error;
}

/**
 * `waybill settings --log NAME [--set kpis.PATH=VALUE]… [--unset kpis.PATH]… [--clear]`:
 * prints the log's KPI settings, after changing them when asked. `waybill mine kpis`
 * (and exceptions) read them when no option is given; the dashboard saves the same.
 */
export async function settingsCommand(context: SettingsContext): Promise<void> {
  const store = await openStore(context.dbPath);
  let view = await getKpiSettings(store, context.log);
  if (context.clear || context.set.length > 0 || context.unset.length > 0) {
    const start: KpiSettings = context.clear ? {} : view.settings;
    view = await saveKpiSettings(store, context.log, applySettingFlags(start, context.set, context.unset, context.usage));
  }
  if (context.json) console.log(JSON.stringify(view));
  else printKpiSettings(view);
}

/**
 * Applies `--set kpis.PATH=VALUE` and `--unset kpis.PATH` to settings. A list
 * setting takes its values separated by `|`; `kpis.orderActivity=none` counts every
 * case as an order (as `--order-activity none` does).
 */
export function applySettingFlags(settings: KpiSettings, sets: readonly string[], unsets: readonly string[], usage: (message: string) => Error): KpiSettings {
  const pathOf = (flag: string, text: string) => {
    const path = text.startsWith('kpis.') ? text.slice('kpis.'.length) : '';
    if (!isKpiSettingPath(path)) throw usage(`${flag} ${JSON.stringify(text)}: name one of ${KPI_SETTING_PATHS.map((p) => `kpis.${p}`).join(', ')}`);
    return path;
  };
  let next = settings;
  for (const text of unsets) next = withSetting(next, pathOf('--unset', text), undefined);
  for (const text of sets) {
    const at = text.indexOf('=');
    if (at < 0) throw usage(`--set ${JSON.stringify(text)}: write kpis.PATH=VALUE`);
    const path = pathOf('--set', text.slice(0, at).trim());
    const value = text.slice(at + 1).trim();
    const { kind } = kpiField(path);
    if (kind === 'activities' || kind === 'key' || kind === 'prefixes') next = withSetting(next, path, value === '' ? [] : value.split('|').map((v) => v.trim()));
    else if (kind === 'orders' && value === 'none') next = withSetting(next, path, null);
    else next = withSetting(next, path, value);
  }
  return next;
}

/** Every KPI setting with the value the KPIs read, marking defaults and names the log lacks. */
function printKpiSettings(view: LogKpiSettings): void {
  console.log(`KPI settings of ${JSON.stringify(view.log)}${view.updatedAt === null ? ' (none saved: the distribution defaults apply)' : ` (saved ${view.updatedAt})`}\n`);
  const activities = new Set(view.choices.activities);
  const attributes = new Set(view.choices.attributes.map((a) => a.name));
  const keys = new Set([...attributes, ...view.choices.objectTypes]);
  const rows = KPI_SETTING_PATHS.map((path) => {
    const { kind } = kpiField(path);
    const value = effectiveSetting(view.settings, path);
    const names = value === null ? [] : typeof value === 'string' ? [value] : value;
    const has = kind === 'attribute' ? (n: string) => attributes.has(n) : kind === 'key' ? (n: string) => keys.has(n) : kind === 'prefixes' ? () => true : (n: string) => activities.has(n);
    const lacking = kind === 'key' ? (names.some(has) ? [] : names) : names.filter((n) => !has(n));
    const shown = value === null ? 'every case' : names.length === 0 ? 'none' : names.join(' | ');
    const notes = [settingAt(view.settings, path) === undefined ? 'default' : '', lacking.length > 0 ? `not in the log: ${lacking.join(', ')}` : ''].filter(Boolean);
    return [`kpis.${path}`, notes.length > 0 ? `${shown}  (${notes.join('; ')})` : shown];
  });
  console.log(formatTable(['setting', 'value'], rows));
}
