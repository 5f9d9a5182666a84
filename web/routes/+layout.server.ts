import { preferredLocale } from '../../mining/format.ts';
import type { LayoutServerLoad } from './$types';

/**
 * Who is signed in, for the header: their name, role, and the links their role opens;
 * and the reader's locale (their browser's first language), which numbers and dates follow.
 */
export const load: LayoutServerLoad = ({ locals, request }) => ({
  locale: preferredLocale(request.headers.get('accept-language')),
  user: locals.identity ? { name: locals.identity.name, role: locals.identity.role, bySession: locals.identity.by === 'session' } : null,
});
