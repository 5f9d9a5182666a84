import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLogName as suggestedName, previewFile } from '../../../ingest/index.ts';
import { writeFixture } from '../../../test-support/fixture-log.ts';
import { DAY_FIRST_CSV, TIED_TIMES_CSV } from '../../../test-support/mapping-fixtures.ts';
import { choiceFromPreview, fileSize, loadFraction, loadRequest, roleHint, type UploadReply } from './upload.ts';

describe('upload helpers', () => {
  it('suggests a log name from the file name', () => {
    expect(suggestedName('Orders Q3.csv.gz')).toBe('Orders Q3');
    expect(suggestedName('receipt.xes')).toBe('receipt');
    expect(suggestedName('dump.parquet')).toBe('dump');
  });

  it('writes file sizes for people', () => {
    expect([212, 4_300, 1_234_567, 2_147_483_648].map(fileSize)).toEqual(['212 bytes', '4.3 kB', '1.2 MB', '2.1 GB']);
  });

  it('maps the two load phases onto one bar', () => {
    expect(loadFraction({ status: 'uploaded', progress: null })).toBe(0);
    expect(loadFraction({ status: 'loading', progress: { phase: 'reading', fraction: 0.5 } })).toBeCloseTo(0.35);
    expect(loadFraction({ status: 'loading', progress: { phase: 'storing', fraction: 0 } })).toBeCloseTo(0.7);
    expect(loadFraction({ status: 'loaded', progress: { phase: 'storing', fraction: 1 } })).toBe(1);
  });
});

describe('the form filled from the preview', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'waybill-upload-form-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const reply = async (name: string, content: string): Promise<UploadReply> => {
    const preview = await previewFile(writeFixture(dir, name, content), name);
    return { upload: 'u', file: name, bytes: content.length, status: 'uploaded', progress: null, result: null, error: null, owner: null, preview };
  };

  it('takes the decided mapping, and says how each role was decided', async () => {
    const visits = await reply('visits.csv', DAY_FIRST_CSV);
    expect(choiceFromPreview(visits)).toEqual({
      name: 'visits',
      mapping: { case: 'CaseID', activity: 'Activity', timestamp: 'Start Time', resource: 'User' },
      mode: 'create',
      onBadRows: 'reject',
    });
    const { roles } = visits.preview;
    expect(roleHint(roles.case, 'CaseID')).toBe('by its name');
    expect(roleHint(roles.timestamp, 'Start Time')).toMatch(/^from its values, \d+ % sure$/);
    expect(roleHint(roles.timestamp, 'User')).toBe('your choice; suggested Start Time');
    // What the load is sent: the roles, and a zone only when it is not UTC.
    expect(loadRequest(choiceFromPreview(visits), ' UTC ')).toEqual({ name: 'visits', mapping: { case: 'CaseID', activity: 'Activity', timestamp: 'Start Time', resource: 'User' }, mode: 'create', onBadRows: 'reject' });
    expect(loadRequest({ ...choiceFromPreview(visits), mapping: { ...choiceFromPreview(visits).mapping, resource: '' } }, 'Europe/Berlin')).toMatchObject({ mapping: { case: 'CaseID', activity: 'Activity', timestamp: 'Start Time' }, timeZone: 'Europe/Berlin' });
  });

  it('leaves an undecidable role for the user to choose', async () => {
    const plan = await reply('plan.csv', TIED_TIMES_CSV);
    expect(choiceFromPreview(plan).mapping).toEqual({ case: 'Order', activity: 'Step', timestamp: '', resource: '' });
    const { roles } = plan.preview;
    expect(roleHint(roles.timestamp, '')).toMatch(/^undecided: likeliest (Planned|Actual) \(\d+ %\)$/);
    expect(roleHint(roles.resource, '')).toBe('no column looks like one');
    expect(roleHint(roles.timestamp, 'Actual')).toBe('your choice');
  });

  it('offers a decided combination of columns first', async () => {
    const rows = ['P1', 'P2'].flatMap((plant) => ['1', '2', '3'].flatMap((doc) => ['Open', 'Check', 'Close'].map((step, k) => `${plant},${doc},${step},2026-04-0${k + 1} 10:00`)));
    const plants = await reply('plants.csv', ['plant_id,doc_no,activity,timestamp', ...rows].join('\n'));
    expect(choiceFromPreview(plants).mapping.case).toBe('plant_id+doc_no');
    expect(plants.preview.roles.case.options.slice(0, 2)).toEqual([
      { value: 'plant_id+doc_no', label: 'plant_id + doc_no' },
      { value: 'plant_id', label: 'plant_id' },
    ]);
    expect(plants.preview.roles.activity.options.map((o) => o.value)).toEqual(['plant_id', 'doc_no', 'activity', 'timestamp']);
  });
});
