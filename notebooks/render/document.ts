import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Paper sizes a notebook prints on. */
export const PAPERS = ['A4', 'Letter'] as const;
export type Paper = (typeof PAPERS)[number];

export interface DocumentRequest {
  /** A running Waybill: its address, and a token with which to read the notebook's page. */
  baseUrl: string;
  token: string;
  name: string;
  params: Record<string, string>;
  format: 'html' | 'pdf';
  paper?: Paper;
}

/** The width charts are drawn at for print: A4's and Letter's width within their margins, at 96 px an inch. */
const PRINT_WIDTH_PX = 720;

/** Debian's Chromium, or WAYBILL_CHROMIUM; never a downloaded browser. */
export function chromiumPath(): string {
  return process.env.WAYBILL_CHROMIUM ?? '/usr/bin/chromium';
}

/**
 * A notebook as a file: its page in the dashboard, opened in headless Chromium as it
 * prints (no navigation, no form, no buttons), saved as one self-contained HTML file
 * (styles inlined, charts as the SVG they are drawn in, no script) or as a PDF (each
 * section from a new page, charts as vector graphics). One renderer, the page, makes
 * the dashboard's view, the HTML and the PDF.
 */
export async function notebookDocument(request: DocumentRequest): Promise<Buffer> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) throw new Error(`rendering a notebook to HTML or PDF needs Chromium at ${executablePath}: apt-get install chromium (or set WAYBILL_CHROMIUM)`);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const page = await browser.newPage({ extraHTTPHeaders: { authorization: `Bearer ${request.token}` }, viewport: { width: request.format === 'pdf' ? PRINT_WIDTH_PX : 1100, height: 900 } });
    const query = new URLSearchParams(request.params).toString();
    const response = await page.goto(`${request.baseUrl}/notebooks/${encodeURIComponent(request.name)}${query ? `?${query}` : ''}`, { waitUntil: 'networkidle' });
    if (!response?.ok()) throw new Error(`the notebook's page answered ${response?.status()}: ${(await page.locator('main').textContent())?.trim()}`);
    const problem = page.getByTestId('notebook-problem');
    // The page's words already name the file, line and block.
    if ((await problem.count()) > 0) throw new Error((await problem.textContent())?.trim());
    // Every chart drawn before the page is taken.
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=notebook-chart]')].every((chart) => chart.querySelector('svg') !== null));
    await page.emulateMedia({ media: 'print', colorScheme: 'light' });
    if (request.format === 'pdf') {
      return await page.pdf({ format: request.paper ?? 'A4', printBackground: true, margin: { top: '14mm', bottom: '14mm', left: '12mm', right: '12mm' } });
    }
    const html = await page.evaluate(() => {
      const styles = [...document.styleSheets].flatMap((sheet) => {
        try {
          return [...sheet.cssRules].map((rule) => rule.cssText);
        } catch {
          return [];
        }
      });
      for (const element of document.querySelectorAll('script, link, form, button, .shell > header')) element.remove();
      const style = document.createElement('style');
      style.textContent = styles.join('\n');
      document.head.append(style);
      return `<!doctype html>\n${document.documentElement.outerHTML}`;
    });
    return Buffer.from(html);
  } finally {
    await browser?.close();
  }
}
