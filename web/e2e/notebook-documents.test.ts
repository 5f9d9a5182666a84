import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDemoDatabase } from '../../test-support/demo-database.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { waybill } from '../../test-support/waybill-cli.ts';
import { launchChromium } from './demo-server.ts';

// A notebook rendered to the files people send: `waybill notebook render` prints the
// notebook's page in Chromium. The PDF's text is read back with poppler's pdftotext, and
// its first page is rendered to a PNG to look at.
let dir: string;
let db: string;
let remove: () => void;

beforeAll(async () => {
  let store;
  ({ store, dir, remove } = await tempStore('waybill-documents-'));
  db = join(dir, 'demo.duckdb');
  void store;
  copyDemoDatabase(db);
  mkdirSync('test-results/screenshots', { recursive: true });
}, 180_000);
afterAll(() => remove());

const pdfText = (file: string) => execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
const pdfInfo = (file: string) => execFileSync('pdfinfo', [file], { encoding: 'utf8' });

describe('a notebook rendered to files', () => {
  it('prints the weekly review to a PDF with its KPIs, tables and charts, each section from a new page', async () => {
    const out = join(dir, 'pdf');
    const rendered = await waybill(['notebook', 'render', 'weekly-operations-review', '--format', 'pdf', '--out', out, '--db', db]);
    expect(rendered.stderr).toBe('');
    expect(rendered.code).toBe(0);
    expect(rendered.stdout).toMatch(/^Weekly operations review — order-to-cash: wrote .*weekly-operations-review\.pdf in [\d.]+ s/);
    const file = join(out, 'weekly-operations-review.pdf');
    const text = pdfText(file);
    for (const words of ['Weekly operations review — order-to-cash', 'ORDER CYCLE TIME', 'TOUCHLESS ORDER RATE', 'Inventory allocation accuracy', 'Invoice accuracy and deductions', 'Orders started per week', 'Credit memos per week', 'Open work']) {
      expect(text, words).toContain(words);
    }
    // What the page shows, it prints: the allocation query's numbers.
    expect(text).toMatch(/5,160\s+4,861\s+94\.2/);
    // No navigation, form or buttons in print.
    expect(text).not.toMatch(/Users & access|Sign out|\bRun\b|\bCSV\b/);
    const info = pdfInfo(file);
    expect(Number(/Pages:\s+(\d+)/.exec(info)?.[1])).toBeGreaterThanOrEqual(5);
    expect(info).toMatch(/Page size:\s+59[45]\.\d+ x 84[12]\.\d+ pts \(A4\)/);
    execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', file, 'test-results/screenshots/notebook-weekly-review-pdf-page-1']);
    // Letter, for American offices.
    const letter = await waybill(['notebook', 'render', 'weekly-operations-review', '--format', 'pdf', '--paper', 'letter', '--param', 'weeks=2', '--out', join(dir, 'letter'), '--db', db]);
    expect(letter.code).toBe(0);
    expect(pdfInfo(join(dir, 'letter', 'weekly-operations-review.pdf'))).toMatch(/Page size:\s+612 x 792 pts \(letter\)/);
  }, 120_000);

  it('saves it as one self-contained HTML file: styles inlined, charts as SVG, no script', async () => {
    const out = join(dir, 'html');
    expect((await waybill(['notebook', 'render', 'weekly-operations-review', '--format', 'html', '--out', out, '--db', db])).code).toBe(0);
    const html = readFileSync(join(out, 'weekly-operations-review.html'), 'utf8');
    expect(html).not.toMatch(/<script|<link|<form|<button/i);
    expect(html).toContain('<style>');
    // Opened with scripts off and no network, it shows everything: two charts drawn as SVG, every table.
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ javaScriptEnabled: false, viewport: { width: 1100, height: 900 } });
      await page.route('**/*', (route) => route.abort());
      await page.setContent(html);
      await expect(page.locator('[data-testid=notebook-chart] svg').count()).resolves.toBe(2);
      await expect(page.locator('[data-testid=notebook-table]').count()).resolves.toBe(5);
      await expect(page.locator('h1').textContent()).resolves.toBe('Weekly operations review — order-to-cash');
      await page.screenshot({ path: 'test-results/screenshots/notebook-weekly-review-html.png', fullPage: true });
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('says where a notebook that cannot run fails, and writes nothing', async () => {
    const folder = join(dir, 'broken');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'broken.md'), '---\ntitle: Broken\nparams:\n  log: order-to-cash\n---\nText.\n\n```sql bad\nSELECT nope FROM events\n```\n');
    const out = join(dir, 'broken-out');
    const rendered = await waybill(['notebook', 'render', 'broken', '--notebooks', folder, '--format', 'pdf', '--out', out, '--db', db]);
    expect(rendered.code).toBe(1);
    expect(rendered.stderr).toMatch(/notebooks\/broken\.md:8 \(query bad\): .*nope/);
    expect(() => readFileSync(join(out, 'broken.pdf'))).toThrow();
  }, 120_000);
});
