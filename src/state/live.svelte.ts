/** Connection of the live feed, for the status badge. */
export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

class LiveStore {
  status = $state<LiveStatus>('connecting');
}

export const live = new LiveStore();
