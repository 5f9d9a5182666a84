import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quoteIdent, quoteLiteral } from '../../store/sql.ts';
import { memoryDuckDB } from '../../test-support/memory-duckdb.ts';
import { combinedSql, inferColumnTypes, proposeMapping, timestampSql } from './index.ts';

describe('the wizard end to end', () => {
  it('stages a naive file, types it from the whole table, proposes a mapping and reads its times in America/New_York', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waybill-infer-'));
    const { connection, close } = await memoryDuckDB();
    try {
      const file = join(dir, 'events.csv');
      writeFileSync(file, [
        'Order No,Object,Action,Created At,Agent,Amount',
        'SO-1,order,created,2026-03-07 23:30:00,ann,10',
        'SO-1,order,approved,2026-03-08 09:00:00,bo,10',
        'SO-1,invoice,created,2026-03-09 08:00:00,ann,10',
        'SO-2,order,created,2026-01-05 08:00:00,bo,25.5',
        'SO-2,order,approved,2026-01-05 09:30:00,cy,25.5',
        'SO-2,invoice,created,2026-01-06 10:00:00,ann,n/a',
      ].join('\n'));
      await connection.run(`CREATE TABLE staged AS SELECT * FROM read_csv(${quoteLiteral(file)}, all_varchar = true, header = true)`);
      const reader = await connection.runAndReadAll(`SELECT * FROM staged LIMIT 500`);
      const columns = reader.columnNames();
      const types = await inferColumnTypes(connection, 'staged', columns);
      expect(types.find((t) => t.column === 'Amount')).toMatchObject({ type: 'VARCHAR' });
      expect(types.find((t) => t.column === 'Created At')).toMatchObject({ type: 'TIMESTAMP', timestampFormat: { kind: 'iso', zone: 'naive' } });

      const proposal = proposeMapping({ columns, rows: reader.getRowsJson().map((r) => r.map((v) => (v === null ? null : String(v)))) }, types);
      expect(proposal.case!.columns).toEqual(['Order No']);
      expect(proposal.activity!.columns).toEqual(['Object', 'Action']);
      expect(proposal.timestamp!.columns).toEqual(['Created At']);
      expect(proposal.resource!.columns).toEqual(['Agent']);
      expect(proposal.attributes.map((a) => [a.column, a.type])).toEqual([['Amount', 'VARCHAR']]);

      const events = await connection.runAndReadAll(`SELECT
          ${combinedSql(proposal.case!.columns.map(quoteIdent))} AS case_id,
          ${combinedSql(proposal.activity!.columns.map(quoteIdent))} AS activity,
          strftime(${timestampSql(proposal.timestamp!.format, quoteIdent(proposal.timestamp!.columns[0]!), 'America/New_York')} AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS at
        FROM staged ORDER BY rowid`);
      expect(events.getRowObjectsJson()).toEqual([
        { case_id: 'SO-1', activity: 'order · created', at: '2026-03-08T04:30:00Z' },
        { case_id: 'SO-1', activity: 'order · approved', at: '2026-03-08T13:00:00Z' },
        { case_id: 'SO-1', activity: 'invoice · created', at: '2026-03-09T12:00:00Z' },
        { case_id: 'SO-2', activity: 'order · created', at: '2026-01-05T13:00:00Z' },
        { case_id: 'SO-2', activity: 'order · approved', at: '2026-01-05T14:30:00Z' },
        { case_id: 'SO-2', activity: 'invoice · created', at: '2026-01-06T15:00:00Z' },
      ]);
    } finally {
      close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
