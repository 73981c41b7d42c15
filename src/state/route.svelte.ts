import { untrack } from 'svelte';
import { formatHash, parseHash, type HashState, type View } from '../navigation/hash-state.ts';

/**
 * The URL hash as state. Map moves and selections replace the history entry (a pan is not a
 * page to go back to); switching screens pushes one.
 */
class RouteStore {
  state = $state.raw<HashState>(parseHash(window.location.hash));

  constructor() {
    window.addEventListener('hashchange', () => {
      this.state = parseHash(window.location.hash);
    });
  }

  get view(): View {
    return this.state.view;
  }

  get locale() {
    return this.state.locale;
  }

  /** Goes to another screen, keeping the language. */
  go(view: View): void {
    window.location.hash = formatHash({ ...this.state, view, selection: view === 'public' ? this.state.selection : null, place: view === 'public' ? this.state.place : null });
  }

  /**
   * Records map position, selection or language without adding a history entry. Reads the state
   * untracked: an update can run inside an effect (MapLibre ends a camera move
   * synchronously when it has nowhere to go), and an effect that read and wrote the route would
   * run itself again without end.
   */
  update(patch: Partial<Omit<HashState, 'view'>>): void {
    this.state = { ...untrack(() => this.state), ...patch };
    window.history.replaceState(window.history.state, '', formatHash(this.state));
  }
}

export const route = new RouteStore();
