import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `npm ci` (what CI pipelines run) refuses a lock file that lacks an optional
 * package of another platform (DuckDB's, Rollup's, esbuild's native binaries):
 * an install on this machine may leave them out. `npm install --package-lock-only`
 * writes them all.
 */

interface LockEntry {
  optionalDependencies?: Record<string, string>;
}

const lock = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };

/** The lock entry that `name` resolves to from the package at `from`, as Node resolves it: the nearest node_modules up the tree. */
function resolves(from: string, name: string): boolean {
  let base = from;
  for (;;) {
    if (`${base}${base === '' ? '' : '/'}node_modules/${name}` in lock.packages) return true;
    if (base === '') return false;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent < 0 ? '' : base.slice(0, parent);
  }
}

describe('package-lock.json', () => {
  it('holds every optional package of every platform, so `npm ci` installs anywhere', () => {
    const missing = Object.entries(lock.packages).flatMap(([path, entry]) =>
      Object.keys(entry.optionalDependencies ?? {})
        .filter((name) => !resolves(path, name))
        .map((name) => `${name} (for ${path || 'the project'})`),
    );
    expect(missing, 'run `npm install --package-lock-only` and commit package-lock.json').toEqual([]);
  });
});
