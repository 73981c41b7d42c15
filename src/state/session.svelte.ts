import { watchUser, type SignedInUser } from '../services/auth.ts';

/**
 * The signed-in user (null for the public); `ready` once the stored session has been read;
 * `error` when the API client cannot be created (a build without its configuration).
 */
class SessionStore {
  user = $state.raw<SignedInUser | null>(null);
  ready = $state(false);
  error = $state<string | null>(null);

  constructor() {
    try {
      watchUser((user) => {
        this.user = user;
        this.ready = true;
      });
    } catch (error) {
      this.error = (error as Error).message;
      this.ready = true;
    }
  }
}

export const session = new SessionStore();
