import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The real `waybill` binary, as a user runs it. */
export const WAYBILL_BIN = join(import.meta.dirname, '..', 'bin', 'waybill.js');

const run = promisify(execFile);

/** Runs `waybill ARGS` (with `env` added, and `input` on its standard input); resolves with its exit code and output whatever the code. */
export async function waybill(args: string[], env: Record<string, string> = {}, input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const running = run(process.execPath, [WAYBILL_BIN, ...args], { env: { ...process.env, ...env } });
    running.child.stdin?.end(input);
    const { stdout, stderr } = await running;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
