import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A tiny order log whose every number is checked by hand:
 * - A: captured 07:00Z (+01:00 in the file), validated 08:30Z (+5400 s), shipped next day 07:00Z (+81000 s): 86400 s.
 * - B: captured and validated both at 08:00Z (a tie, kept in file order), shipped 10:00Z: 7200 s.
 * - C: captured only (naive timestamp, read as UTC): 0 s.
 * Edges: Captured→Validated ×2 [5400, 0]; Validated→Shipped ×2 [81000, 7200].
 */
export const FIXTURE_CSV = `case_id,activity,timestamp,resource,amount,note
A,Order Captured,2026-01-05T08:00:00+01:00,ann,10,first
A,Order Validated,2026-01-05T09:30:00+01:00,bob,10,
B,Order Captured,2026-01-05T08:00:00Z,ann,5,
A,Shipped,2026-01-06T07:00:00Z,cat,10,
B,Order Validated,2026-01-05T08:00:00Z,bob,5,
B,Shipped,2026-01-05T10:00:00Z,cat,5,"with, comma"
C,Order Captured,2026-01-05 12:00:00,ann,7,
`;

export function writeFixture(dir: string, name = 'orders.csv', content = FIXTURE_CSV): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
