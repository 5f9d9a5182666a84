import { expect } from 'vitest';
import type { createApi } from '../web/api/index.ts';

/** GETs `path` from the API in process; the answer must be JSON. */
export async function getJson(api: ReturnType<typeof createApi>, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await api.request(path);
  expect(response.headers.get('content-type')).toMatch(/application\/json/);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
