/**
 * Child process of `npm run bench`: simulates the distributor to a folder and prints
 * one JSON line with the event count, the wall time and this process's peak RSS,
 * so the generator's memory is measured apart from DuckDB's.
 */
import { rmSync } from 'node:fs';
import { writeDistributorCsv } from '../datasets/distributor/index.ts';

const [dir, eventsText] = process.argv.slice(2);
if (!dir || !eventsText) throw new Error('usage: generate.ts DIR EVENTS');
rmSync(dir, { recursive: true, force: true });
const started = performance.now();
const summary = await writeDistributorCsv(dir, { seed: 42, events: Number(eventsText) });
const ms = performance.now() - started;
console.log(JSON.stringify({ events: summary.events.total, ms, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
