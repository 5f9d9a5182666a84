import { OptionError } from '../errors.ts';
import type { ProcessMapOptions } from './index.ts';

/** Reads the process map's parameters: `activities` and `paths` in percent (0–100), `paths` also `auto`, `frequency` (events | cases). */
export function processMapOptionsFromParams(params: { activities?: string; paths?: string; frequency?: string }): ProcessMapOptions {
  const options: ProcessMapOptions = {};
  if (params.paths?.trim() === 'auto') options.paths = 'auto';
  for (const name of ['activities', 'paths'] as const) {
    const text = params[name];
    if (text === undefined || options[name] === 'auto') continue;
    const percent = Number(text.trim().replace(/%$/, ''));
    if (text.trim() === '' || !Number.isFinite(percent) || percent < 0 || percent > 100) throw new OptionError(`${name} is a percentage from 0 to 100${name === 'paths' ? ' or auto' : ''}, not ${JSON.stringify(text)}`);
    options[name] = percent / 100;
  }
  if (params.frequency !== undefined) {
    if (params.frequency !== 'events' && params.frequency !== 'cases') throw new OptionError(`frequency is events or cases, not ${JSON.stringify(params.frequency)}`);
    options.frequency = params.frequency;
  }
  return options;
}
