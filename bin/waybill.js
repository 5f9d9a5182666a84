#!/usr/bin/env node
// Runs the TypeScript CLI directly: tsx compiles it in memory, so there is no build step for the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
