import type { LayoutServerLoad } from './$types';

/** Who is signed in, for the header: their name, role, and the links their role opens. */
export const load: LayoutServerLoad = ({ locals }) => ({
  user: locals.identity ? { name: locals.identity.name, role: locals.identity.role, bySession: locals.identity.by === 'session' } : null,
});
