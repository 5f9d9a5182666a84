import { z } from 'zod';
import type { Store } from '../store/db.ts';
import type { Filter } from './filter/index.ts';

/**
 * One analysis, as everything that offers it sees it: the API route
 * `GET /api/logs/:log/NAME`, the command `waybill mine NAME`, the typed client and
 * docs/analyses.md all come from its definition. Its parameters are text, as
 * query strings and flags are; `run` reads them with the analysis's own parser,
 * whose errors name the parameter and what it takes.
 */
export interface Analysis<Name extends string = string, Shape extends Record<string, Param> = Record<string, Param>, Result = unknown> {
  name: Name;
  /** One sentence: what it answers. */
  summary: string;
  /** Its parameters beyond the filter's, by the one name the CLI flag and the query parameter share. */
  params: z.ZodObject<Shape>;
  /** Parameters that make a telling example on the demo distributor's order-to-cash log (or `log`, when another fits better). */
  example: { log: string; params: ParamValues<Shape> };
  run(store: Store, log: string, filter: Filter, params: ParamValues<Shape>): Promise<Result>;
}

/** A parameter: one text value, or a repeatable one. */
export type Param = z.ZodOptional<z.ZodString> | z.ZodOptional<z.ZodArray<z.ZodString>>;
export type ParamValues<Shape extends Record<string, Param>> = { [K in keyof Shape]?: z.infer<Shape[K]> };

/** What docs and help say of a parameter. */
export interface ParamHelp {
  /** What it means, with its default. */
  help: string;
  /** The value's placeholder in usage, e.g. PCT or ACTIVITY. */
  value: string;
  /** The default, as text, when it has one. */
  default?: string;
  repeatable?: boolean;
}

/** A parameter with its help: one value, or (`repeatable`) a list. */
export function param(help: ParamHelp & { repeatable: true }): z.ZodOptional<z.ZodArray<z.ZodString>>;
export function param(help: ParamHelp & { repeatable?: false }): z.ZodOptional<z.ZodString>;
export function param(help: ParamHelp): Param {
  const meta = { description: help.help, value: help.value, ...(help.default !== undefined && { default: help.default }) };
  return help.repeatable ? z.array(z.string()).optional().meta(meta) : z.string().optional().meta(meta);
}

/** The help a parameter was declared with. */
export function paramHelp(schema: Param): ParamHelp {
  const meta = (schema.meta() ?? {}) as { description?: string; value?: string; default?: string };
  return { help: meta.description ?? '', value: meta.value ?? 'VALUE', ...(meta.default !== undefined && { default: meta.default }), repeatable: isRepeatable(schema) };
}

export function isRepeatable(schema: Param): boolean {
  return schema.unwrap() instanceof z.ZodArray;
}

export function defineAnalysis<const Name extends string, Shape extends Record<string, Param>, Result>(analysis: Analysis<Name, Shape, Result>): Analysis<Name, Shape, Result> {
  return analysis;
}

/**
 * Reads an analysis's parameters with `read(name, repeatable)` (a query string, the
 * parsed flags): the values it names, nothing else.
 */
export function readParams<Shape extends Record<string, Param>>(analysis: Analysis<string, Shape, unknown>, read: (name: string, repeatable: boolean) => string | string[] | undefined): ParamValues<Shape> {
  const values: Record<string, string | string[]> = {};
  for (const [name, schema] of Object.entries(analysis.params.shape)) {
    const value = read(name, isRepeatable(schema));
    if (value !== undefined) values[name] = value;
  }
  return values as ParamValues<Shape>;
}

/** An analysis's parameters: exactly these. */
export function paramsOf<Shape extends Record<string, Param>>(shape: Shape): z.ZodObject<Shape> {
  return z.object(shape);
}

/** An analysis as `waybill mine --list --json` and docs describe it. */
export function describeAnalysis(analysis: Analysis) {
  return {
    name: analysis.name,
    summary: analysis.summary,
    params: (Object.entries(analysis.params.shape) as [string, Param][]).map(([name, schema]) => ({ name, ...paramHelp(schema) })),
    route: `GET /api/logs/:log/${analysis.name}`,
    example: analysis.example,
  };
}
