import type { Identity } from '../store/accounts.ts';
import type { ApiOptions } from '../web/api/index.ts';

/** An admin who needs no sign-in: for tests of what the API answers, not of who may ask (web/api/access.test.ts tests that). */
export const TEST_ADMIN: Identity = { name: 'test-admin', role: 'admin', groups: [], by: 'token' };

export const asAdmin: ApiOptions = { identify: async () => TEST_ADMIN };
