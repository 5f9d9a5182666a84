import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withAnalysesSection } from '../mining/analyses-doc.ts';

// `npm run docs`: rewrites the reference section of docs/analyses.md from the registry.
const path = join(import.meta.dirname, 'analyses.md');
writeFileSync(path, withAnalysesSection(readFileSync(path, 'utf8')));
console.log(`Wrote the analyses section of ${path}`);
