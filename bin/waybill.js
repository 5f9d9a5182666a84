#!/usr/bin/env node
// Runs the TypeScript CLI directly: tsx compiles it in memory, so there is no build step for the CLI.
import { register } from 'tsx/esm/api';

register();
// Piped into `head` or a pager that quits: stop quietly, as Unix tools do.
process.stdout.on('error', (error) => {
  if (/** @type {NodeJS.ErrnoException} */ (error).code === 'EPIPE') process.exit(0);
  throw error;
});
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
