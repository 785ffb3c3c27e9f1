const KEY = 'fleet-monitor.operator-token';

/**
 * The operator token for this tab: taken from the URL fragment
 * (`#token=…`, which browsers never send to the server), kept in session
 * storage for the tab's life, and removed from the address bar and history.
 */
export function takeSessionToken(location: Location, history: History, storage: Storage): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match?.[1]) {
    const token = decodeURIComponent(match[1]);
    storage.setItem(KEY, token);
    history.replaceState(history.state, '', location.pathname + location.search);
    return token;
  }
  return storage.getItem(KEY);
}

/** Forgets the tab's token (it was refused). */
export function dropSessionToken(storage: Storage): void {
  storage.removeItem(KEY);
}
