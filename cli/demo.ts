import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeOrderToCashCsv, type OrderToCashOptions } from '../datasets/order-to-cash/index.ts';

/** The log `npm start` loads on first run. */
export const DEMO_LOG_NAME = 'order-to-cash';
export const DEMO_OPTIONS = { seed: 7, orders: 3000, start: '2026-01-05', days: 42 } as const satisfies OrderToCashOptions;

/** Writes the seeded order-to-cash demo log as CSV. */
export async function generateDemoLog(file: string, options: { seed: number; orders?: number; events?: number; start?: string; days?: number }) {
  mkdirSync(dirname(file), { recursive: true });
  const clean = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as OrderToCashOptions;
  return writeOrderToCashCsv(file, clean);
}
