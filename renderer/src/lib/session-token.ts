const KEY = 'fleet-monitor.operator-token';

/** What a link's fragment carried: a one-time code to trade, or (older links) the operator token itself. */
export type LinkSecret = { readonly kind: 'code'; readonly code: string } | { readonly kind: 'token'; readonly token: string };

/**
 * Takes the secret out of the URL fragment (`#code=…`, or `#token=…` from
 * older links; browsers never send a fragment to the server) and removes the
 * fragment from the address bar and the history entry at once, before
 * anything is sent or rendered: the browser keeps no secret.
 */
export function takeLinkSecret(location: Location, history: History): LinkSecret | null {
  const code = fragmentValue(location.hash, 'code');
  const token = fragmentValue(location.hash, 'token');
  if (code === null && token === null) return null;
  history.replaceState(history.state, '', location.pathname + location.search);
  if (code) return { kind: 'code', code };
  return token ? { kind: 'token', token } : null;
}

/** The tab's operator token, kept in session storage for the tab's life. */
export function readSessionToken(storage: Storage): string | null {
  return storage.getItem(KEY);
}

/** Keeps the operator token for this tab (never in local storage: it ends with the tab). */
export function keepSessionToken(storage: Storage, token: string): void {
  storage.setItem(KEY, token);
}

/** Forgets the tab's token (it was refused). */
export function dropSessionToken(storage: Storage): void {
  storage.removeItem(KEY);
}

/** The decoded value of `name=` in the fragment; '' when present but empty or malformed, null when absent. */
function fragmentValue(hash: string, name: string): string | null {
  const match = new RegExp(`(?:^#|&)${name}=([^&]*)`).exec(hash);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return '';
  }
}
