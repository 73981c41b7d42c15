import { watchUser, type SignedInUser } from '../services/auth.ts';

/** The signed-in user (null for the public); `ready` once the stored session has been read. */
class SessionStore {
  user = $state.raw<SignedInUser | null>(null);
  ready = $state(false);

  constructor() {
    watchUser((user) => {
      this.user = user;
      this.ready = true;
    });
  }
}

export const session = new SessionStore();
