import { apiConfig } from '../services/api-config.ts';
import { signIn, watchUser, type SignedInUser } from '../services/auth.ts';
import { authStorageKey, hasStoredSession } from '../services/stored-session.ts';

/**
 * The signed-in user (null for the public); `ready` once it is known; `error` when the API
 * client cannot be created (a build without its configuration) or loaded.
 *
 * supabase-js is loaded only where a user can be signed in: a session stored in this browser
 * (seen at start without the client), the sign-in form, a staff screen (`connect`). An anonymous
 * visitor is ready at once, signed out, and never downloads it.
 */
class SessionStore {
  user = $state.raw<SignedInUser | null>(null);
  ready = $state(false);
  error = $state<string | null>(null);
  #connected: Promise<void> | null = null;

  constructor() {
    let key: string;
    try {
      key = authStorageKey(apiConfig().url);
    } catch (error) {
      this.error = (error as Error).message;
      this.ready = true;
      return;
    }
    if (hasStoredSession(() => window.localStorage, key)) void this.connect();
    else this.ready = true;
    // A sign-in in another tab stores a session: follow it, as a loaded supabase-js would.
    window.addEventListener('storage', (event) => {
      if (event.key === key && event.newValue !== null) void this.connect();
    });
  }

  /**
   * Loads supabase-js and follows the user from then on; resolves once the client has reported
   * who is signed in. A failed load is reported in `error` and tried again on the next call.
   */
  connect(): Promise<void> {
    this.#connected ??= new Promise<void>((resolve) => {
      watchUser((user) => {
        this.user = user;
        this.error = null;
        this.ready = true;
        resolve();
      }).catch((error: unknown) => {
        this.#connected = null;
        this.error = (error as Error).message;
        this.ready = true;
        resolve();
      });
    });
    return this.#connected;
  }

  /**
   * Signs in once the user is followed, so that `user` is set before the caller moves on to a
   * staff screen (which would send a signed-out visitor back to the form).
   */
  async signIn(email: string, password: string): Promise<SignedInUser> {
    await this.connect();
    return signIn(email, password);
  }
}

export const session = new SessionStore();
