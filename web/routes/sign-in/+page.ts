import type { PageLoad } from './$types';

/** How one may sign in here (a password; single sign-on when configured), and why the last try failed. */
export const load: PageLoad = async ({ fetch, url }) => {
  const methods = (await fetch('/api/auth/methods').then((answer) => answer.json())) as { password: boolean; oidc: { name: string } | null };
  return { methods, failed: url.searchParams.get('failed'), next: url.searchParams.get('next') ?? '/' };
};
