import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANALYSES } from './analyses.ts';
import { withAnalysesSection } from './analyses-doc.ts';
import { FILTER_PARAMS } from './filter/params.ts';
import { paramHelp, type Param } from './registry.ts';

describe('the analysis registry', () => {
  it('names each analysis once, and gives every parameter its help, a placeholder and a name no filter option has', () => {
    const names = ANALYSES.map((analysis) => analysis.name);
    expect(new Set(names).size).toBe(names.length);
    for (const analysis of ANALYSES) {
      expect(analysis.summary, analysis.name).toMatch(/^[A-Z].*\.$/);
      for (const [name, schema] of Object.entries(analysis.params.shape) as [string, Param][]) {
        const help = paramHelp(schema);
        expect(help.help, `${analysis.name} ${name}`).not.toBe('');
        expect(help.value, `${analysis.name} ${name}`).not.toBe('VALUE');
        expect(FILTER_PARAMS as readonly string[], `${analysis.name} ${name}`).not.toContain(name);
      }
      // Its example only names its own parameters.
      expect(Object.keys(analysis.example.params).every((name) => name in analysis.params.shape), analysis.name).toBe(true);
    }
  });

  it('is what docs/analyses.md says (`npm run docs` writes it)', () => {
    const docs = readFileSync(join(import.meta.dirname, '..', 'docs', 'analyses.md'), 'utf8');
    expect(withAnalysesSection(docs)).toBe(docs);
    for (const analysis of ANALYSES) expect(docs).toContain(`### \`${analysis.name}\``);
  });
});
