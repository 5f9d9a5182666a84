// Prints the plain "N passed, N failed" line from Vitest's JSON report and exits non-zero on any failure.
import { existsSync, readFileSync } from 'node:fs';

const [report, statusText] = process.argv.slice(2);
const status = Number(statusText ?? 1);
if (!report || !existsSync(report)) {
  console.log('the test run wrote no report (it failed before or while starting the tests)');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const result = JSON.parse(readFileSync(report, 'utf8'));
const passed = result.numPassedTests ?? 0;
// A test file that fails to load counts as a failure even though it ran no test.
const brokenFiles = (result.testResults ?? []).filter((/** @type {{ status: string; assertionResults?: unknown[] }} */ file) => file.status === 'failed' && (file.assertionResults ?? []).length === 0).length;
const failed = (result.numFailedTests ?? 0) + brokenFiles;
const skipped = (result.numPendingTests ?? 0) + (result.numTodoTests ?? 0);
const failedOverall = failed > 0 || status !== 0 || passed === 0;
const shownFailed = failedOverall && failed === 0 ? 1 : failed;
console.log(`${passed} passed, ${shownFailed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failedOverall ? 1 : 0);
