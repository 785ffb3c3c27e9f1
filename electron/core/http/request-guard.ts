/**
 * Defences against web pages on the same machine (DNS rebinding, CSRF): only
 * requests addressed to this server by a name we answer to, and not sent by a
 * foreign page, get past the front door.
 */

/** The Host values this server answers to, lower-case, each with its port. */
export function allowedHosts(listenHost: string, port: number, extra: readonly string[]): Set<string> {
  const hosts = new Set([hostPort(listenHost, port), `localhost:${port}`, `[::1]:${port}`]);
  for (const entry of extra) {
    const value = entry.trim().toLowerCase();
    if (!value) continue;
    // "name:port" and "[v6]:port" are taken as they are; a bare name or address gets our port.
    hosts.add(/^(\[[^\]]+\]|[^:]+):\d+$/.test(value) ? value : hostPort(value, port));
  }
  return hosts;
}

/** `host:port`, with IPv6 literals bracketed. */
export function hostPort(host: string, port: number): string {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare.includes(':') ? `[${bare}]:${port}` : `${bare}:${port}`;
}

/**
 * Whether the request carries more than one `Host` header. Node keeps the
 * first and drops the rest, but a proxy or another server in front may read
 * the last: a request whose two Hosts name two servers is refused, not
 * guessed at (RFC 9112 § 3.2: such a request is a 400).
 */
export function hasRepeatedHost(rawHeaders: readonly string[]): boolean {
  let hosts = 0;
  // rawHeaders alternates names and values, as they came.
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === 4 && name.toLowerCase() === 'host' && ++hosts > 1) return true;
  }
  return false;
}

/** Why a request is refused at the door, or null when it may come in. */
export function checkRequestOrigin(
  headers: { host?: string | undefined; origin?: string | undefined },
  hosts: ReadonlySet<string>,
): string | null {
  const host = headers.host?.toLowerCase();
  if (!host || !hosts.has(host)) return `Host '${headers.host ?? ''}' is not this server`;
  if (headers.origin !== undefined) {
    let origin: URL | undefined;
    try {
      origin = new URL(headers.origin);
    } catch {
      origin = undefined;
    }
    if (!origin || origin.protocol !== 'http:' || !hosts.has(origin.host.toLowerCase()) || origin.origin !== headers.origin) {
      return `Origin '${headers.origin}' may not call this server`;
    }
  }
  return null;
}
