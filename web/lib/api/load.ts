import { error } from '@sveltejs/kit';
import { ApiError } from './client.ts';

/**
 * Awaits an API call inside a load function and turns an ApiError into SvelteKit's
 * error page with the same status; `notFound` rewords a 404 for the page at hand.
 */
export async function loadOrFail<T>(call: Promise<T>, notFound?: string): Promise<T> {
  try {
    return await call;
  } catch (failure) {
    if (failure instanceof ApiError) error(failure.status, failure.status === 404 && notFound ? notFound : failure.message);
    throw failure;
  }
}
