import { OptionError } from '../errors.ts';
import { parseDuration } from '../filter/params.ts';
import type { QueueAgingOptions } from './index.ts';

type Params = Partial<Record<'as-of' | 'end' | 'silence' | 'sla' | 'buckets' | 'oldest' | 'oldest-by' | 'case-prefix', string | readonly string[]>>;

const all = (value: string | readonly string[] | undefined): string[] => (value === undefined ? [] : typeof value === 'string' ? [value] : [...value]);

/**
 * The text syntax of queue aging's options, shared by the CLI and the API:
 * `as-of` (ISO-8601), `end` (repeatable activity; one empty `end` for none),
 * `silence` (`none`, `auto` or a duration such as `30d`), `sla` (repeatable
 * `ACTIVITY=DURATION`, e.g. `Credit Hold=2d`), `buckets` (`1d,3d,7d`), `oldest`
 * (a count), `oldest-by` (case | step) and `case-prefix`.
 */
export function queueAgingOptionsFromParams(params: Params): QueueAgingOptions {
  const options: QueueAgingOptions = {};
  const [asOf] = all(params['as-of']);
  if (asOf !== undefined) options.asOf = asOf;
  const end = all(params.end);
  // A lone empty value asks for no end activities at all, so that a link can say "none".
  if (end.length > 0) options.endActivities = end.length === 1 && end[0]!.trim() === '' ? [] : end;
  const [silence] = all(params.silence);
  if (silence !== undefined) {
    const word = silence.trim().toLowerCase();
    if (word === 'none' || word === 'auto') options.silence = word;
    else if (/^\s*\d/.test(silence)) options.silence = parseDuration(silence, 'silence');
    else throw new OptionError(`silence is none, auto or a duration such as 30d, not ${JSON.stringify(silence)}`);
  }
  const sla = all(params.sla);
  if (sla.length > 0) {
    options.sla = Object.fromEntries(
      sla.map((text) => {
        const at = text.lastIndexOf('=');
        if (at <= 0) throw new OptionError(`sla: write ACTIVITY=DURATION (e.g. "Credit Hold=2d"), not ${JSON.stringify(text)}`);
        return [text.slice(0, at).trim(), parseDuration(text.slice(at + 1), 'sla')];
      }),
    );
  }
  const [buckets] = all(params.buckets);
  if (buckets !== undefined) options.bucketBounds = buckets.split(',').map((b) => parseDuration(b, 'buckets'));
  const [oldest] = all(params.oldest);
  if (oldest !== undefined) {
    if (!/^\d+$/.test(oldest.trim())) throw new OptionError(`oldest must be a whole number, not ${JSON.stringify(oldest)}`);
    options.oldest = Number(oldest);
  }
  const [oldestBy] = all(params['oldest-by']);
  if (oldestBy !== undefined) {
    if (oldestBy !== 'case' && oldestBy !== 'step') throw new OptionError(`oldest-by is case or step, not ${JSON.stringify(oldestBy)}`);
    options.oldestBy = oldestBy;
  }
  const [casePrefix] = all(params['case-prefix']);
  if (casePrefix !== undefined) options.casePrefix = casePrefix;
  return options;
}
