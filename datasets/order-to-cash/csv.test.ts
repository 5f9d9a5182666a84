import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ChunkedTextWriter, csvField, csvRecord } from './csv.ts';

describe('csvField', () => {
  it('leaves plain values alone', () => {
    expect(csvField('SO-1000001')).toBe('SO-1000001');
    expect(csvField('')).toBe('');
  });

  it('quotes commas, quotes and line breaks per RFC 4180', () => {
    expect(csvField('Acme, Inc.')).toBe('"Acme, Inc."');
    expect(csvField('12" pipe')).toBe('"12"" pipe"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
  });

  it('joins a record and ends it with LF', () => {
    expect(csvRecord(['a', 'b,c', 'd"'])).toBe('a,"b,c","d"""\n');
  });
});

describe('ChunkedTextWriter', () => {
  it('waits for a slow stream and delivers everything in order', async () => {
    const received: string[] = [];
    let pendingWrites = 0;
    const slow = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _encoding, callback) {
        received.push(chunk.toString('utf8'));
        pendingWrites += 1;
        setTimeout(() => {
          pendingWrites -= 1;
          callback();
        }, 1);
      },
    });
    const out = new ChunkedTextWriter(slow, 32);
    let flushes = 0;
    for (let i = 0; i < 200; i++) {
      out.append(`line ${i}\n`);
      if (out.isFull) {
        await out.flush();
        flushes += 1;
        // Backpressure: after a flush resolves, the stream has drained.
        expect(pendingWrites).toBe(0);
      }
    }
    await out.close();
    expect(flushes).toBeGreaterThan(10);
    expect(received.join('')).toBe(Array.from({ length: 200 }, (_, i) => `line ${i}\n`).join(''));
  });

  it('rejects when the stream fails', async () => {
    const failing = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('disk full'));
      },
    });
    failing.on('error', () => {});
    const out = new ChunkedTextWriter(failing, 4);
    out.append('hello');
    await expect(out.close()).rejects.toThrow('disk full');
  });
});
