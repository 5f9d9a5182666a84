import type { ExceptionDefinition } from '../../../mining/exceptions/definitions.ts';
import { effectiveSetting, type KpiField, type KpiSettings, settingAt, withSetting } from '../../../mining/kpis/fields.ts';
import type { LogKpiSettings } from '../../../mining/kpis/settings.ts';

// How the operations page shows and edits a log's KPI settings; the settings themselves,
// their defaults and which KPI reads which are mining's (mining/kpis/fields.ts).

export type Choices = LogKpiSettings['choices'];

/** A select's value for "not set: the default applies". */
export const DEFAULT_CHOICE = '';
/** A select's value for `orderActivity: null`: every case is an order. */
export const EVERY_CASE = '\u0000every case';

/** What a KPI that cannot be computed lacks, without the "not computable: missing" its list already says. */
export function missingText(reason: string | null): string {
  if (reason === null) return 'not computable';
  return reason.replace(/^not computable: missing /, '');
}

/** How many tiles a row holds: four (a tile keeps its size when few are computable), five for five, else rows of three or four. */
export function tileColumns(tiles: number): number {
  if (tiles <= 4) return 4;
  if (tiles === 5) return 5;
  return tiles === 6 || tiles === 9 ? 3 : 4;
}

/** The names a setting may take in this log: activities, attributes, or attributes and object types. */
export function namesFor(field: KpiField, choices: Choices): { value: string; label: string }[] {
  const activities = choices.activities.map((name) => ({ value: name, label: name }));
  const attributes = choices.attributes.map((a) => ({ value: a.name, label: a.name }));
  switch (field.kind) {
    case 'orders':
      return [{ value: EVERY_CASE, label: 'every case' }, ...activities];
    case 'activity':
    case 'activities':
      return activities;
    case 'attribute':
      return attributes;
    case 'key':
      return [...attributes, ...choices.objectTypes.map((type) => ({ value: type, label: `object type ${type}` }))];
    case 'prefixes':
      return [];
  }
}

/** Whether the log has what the setting names (for a key: any of its candidates). */
export function logHas(field: KpiField, value: string | string[] | null, choices: Choices): boolean {
  if (value === null || field.kind === 'prefixes') return true;
  const names = new Set(namesFor(field, choices).map((n) => n.value));
  const values = typeof value === 'string' ? [value] : value;
  return field.kind === 'key' ? values.some((v) => names.has(v)) : values.every((v) => names.has(v));
}

/** The label of a select's first option, the default: its names first (a narrow select cuts the end), and whether the log lacks them. */
export function defaultLabel(field: KpiField, choices: Choices): string {
  const value = effectiveSetting({}, field.path);
  const shown = value === null ? 'every case' : typeof value === 'string' ? value : value.join(' or ');
  return `${shown} (default${logHas(field, value, choices) ? '' : ', not in this log'})`;
}

/** A single-choice setting (orders, activity, attribute, key) as a select's value. */
export function selectValue(settings: KpiSettings, field: KpiField): string {
  const value = settingAt(settings, field.path);
  if (value === undefined) return DEFAULT_CHOICE;
  if (value === null) return EVERY_CASE;
  return typeof value === 'string' ? value : (value[0] ?? DEFAULT_CHOICE);
}

/** Settings with a single-choice setting set from a select's value (the default choice unsets it). */
export function withSelect(settings: KpiSettings, field: KpiField, value: string): KpiSettings {
  if (value === DEFAULT_CHOICE) return withSetting(settings, field.path, undefined);
  if (value === EVERY_CASE) return withSetting(settings, field.path, null);
  return withSetting(settings, field.path, field.kind === 'key' ? [value] : value);
}

/** The activities a list setting reads now (saved, else the default), as far as the log has them. */
export function checkedActivities(settings: KpiSettings, field: KpiField, choices: Choices): string[] {
  const value = effectiveSetting(settings, field.path);
  const have = new Set(choices.activities);
  return (Array.isArray(value) ? value : []).filter((name) => have.has(name));
}

/** Resource prefixes as typed ("sales.rep, credit.analyst"): set from the text, or unset when it is the default's. */
export function withPrefixes(settings: KpiSettings, field: KpiField, text: string): KpiSettings {
  const list = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const defaults = effectiveSetting({}, field.path) as string[];
  const same = list.length === defaults.length && list.every((p, i) => p === defaults[i]);
  return withSetting(settings, field.path, same ? undefined : list);
}

/** An exception type in words: its name, and what makes an event one when that is not the name itself. */
export function describeException(definition: ExceptionDefinition): { type: string; detail: string } {
  const parts: string[] = [];
  const activities = definition.activities ?? [];
  const named = activities.length === 1 && activities[0]!.toLowerCase() === definition.type.toLowerCase() && definition.attribute === undefined;
  if (!named) {
    if (activities.length > 0) parts.push(inWords(activities, 'or'));
    if (definition.attribute) parts.push(`${activities.length > 0 ? 'with ' : ''}${definition.attribute.name} ${inWords(definition.attribute.values.map(String), 'or')}`);
  }
  return { type: definition.type, detail: parts.join(' ') };
}

/** "a", "a or b", "a, b or c". */
function inWords(names: string[], last: string): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} ${last} ${names.at(-1)}`;
}
