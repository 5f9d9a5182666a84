import { ANALYSES } from './analyses.ts';
import { describeAnalysis, type Analysis } from './registry.ts';

export const DOC_START = '<!-- analyses: made by `npm run docs` from mining/analyses.ts; edit there -->';
export const DOC_END = '<!-- end of analyses -->';

/** The reference section of docs/analyses.md: every analysis with its options, route, command and an example. */
export function analysesMarkdown(): string {
  const sections = ANALYSES.map((entry) => {
    const analysis = describeAnalysis(entry as Analysis);
    const options =
      analysis.params.length === 0
        ? ['No options besides the filter.']
        : [
            '| option | value | default | meaning |',
            '| --- | --- | --- | --- |',
            ...analysis.params.map((p) => `| \`${p.name}\`${p.repeatable ? ' (repeatable)' : ''} | \`${cell(p.value)}\` | ${cell(p.default ?? '–')} | ${cell(p.help)} |`),
          ];
    const flags = Object.entries(analysis.example.params).flatMap(([name, value]) => (Array.isArray(value) ? value : [value as string]).map((v) => `--${name} ${/^[\w.:%-]+$/.test(v) ? v : JSON.stringify(v)}`));
    const query = new URLSearchParams(Object.entries(analysis.example.params).flatMap(([name, value]) => (Array.isArray(value) ? value : [value as string]).map((v) => [name, v]))).toString();
    return [
      `### \`${analysis.name}\``,
      '',
      analysis.summary,
      '',
      ...options,
      '',
      'On the demo:',
      '',
      '```',
      `waybill mine ${analysis.name} --log ${analysis.example.log}${flags.length > 0 ? ` ${flags.join(' ')}` : ''}`,
      `GET /api/logs/${encodeURIComponent(analysis.example.log)}/${analysis.name}${query ? `?${query}` : ''}`,
      '```',
    ].join('\n');
  });
  return [
    DOC_START,
    '## Every analysis: options, command and route',
    '',
    'Each takes the filter’s options too (see "The filter"). The command’s flags and the API’s query parameters are the same words; `waybill mine NAME --json` prints exactly what the route returns.',
    '',
    ...sections.flatMap((section) => [section, '']),
    DOC_END,
  ].join('\n');
}

/** A table cell's text: a pipe would end the cell. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** docs/analyses.md with its reference section made anew (added at the end when missing). */
export function withAnalysesSection(markdown: string): string {
  const start = markdown.indexOf(DOC_START);
  const end = markdown.indexOf(DOC_END);
  if (start < 0 || end < 0) return `${markdown.trimEnd()}\n\n${analysesMarkdown()}\n`;
  return `${markdown.slice(0, start)}${analysesMarkdown()}${markdown.slice(end + DOC_END.length)}`;
}
