import type { Context } from 'hono';
import { webActor, type Actor } from '../../store/audit.ts';

/** What the server hands the API with each request: the client's address (SvelteKit's getClientAddress). */
export interface ApiBindings {
  clientAddress?: string;
}

/** Who sent this request, for the audit trail: until sign-in, known by address only. */
export function actorOf(c: Context): Actor {
  const env = c.env as ApiBindings | undefined;
  return webActor(env?.clientAddress);
}
