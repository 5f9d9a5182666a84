import type { Identity } from '../store/accounts.ts';

declare global {
  namespace App {
    interface Locals {
      /** Who is signed in; set by hooks.server.ts for every page but sign-in. */
      identity?: Identity;
    }
  }
}

export {};
