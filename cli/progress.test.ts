import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startProgress } from './progress.ts';

/** A stream that claims to be a terminal, collecting what is written to it. */
function fakeTerminal(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const pass = new PassThrough();
  let text = '';
  pass.on('data', (chunk: Buffer) => (text += chunk.toString()));
  Object.assign(pass, { isTTY, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  return { stream: pass as unknown as NodeJS.WriteStream, text: () => text };
}

describe('startProgress', () => {
  it('draws count and rate on a terminal', async () => {
    const terminal = fakeTerminal(true);
    const progress = startProgress('Generating', 1000, 'events', terminal.stream);
    progress.update(500);
    progress.update(1000);
    progress.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(terminal.text()).toMatch(/Generating .*100% \| 1,000\/1,000 events \| [\d,]+ events\/s/);
  });

  it('stays silent when stderr is not a terminal', async () => {
    const pipe = fakeTerminal(false);
    const progress = startProgress('Generating', 1000, 'events', pipe.stream);
    progress.update(1000);
    progress.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(pipe.text()).toBe('');
  });
});
