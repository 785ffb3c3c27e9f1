import { HttpError } from './http-error';

/** A request target's path and query: what the port routes on. */
export interface RequestTarget {
  readonly pathname: string;
  readonly searchParams: URLSearchParams;
}

/**
 * An origin-form target (`/path?query`) in which the URL parser would change
 * nothing: unreserved and sub-delim characters, `:` and `@` in the path (no
 * `%`, no dot segment, no backslash), and in the query the same with `/`,
 * `?` and `%` (the parser escapes a `'` there, which the pairs decode back).
 * Agents' targets are of this kind; the rest go through the full parser.
 */
const PLAIN_TARGET = /^(?:\/[\w\-.~!$&'()*+,;=:@]*)+(?:\?[\w\-.~!$&'()*+,;=:@/?%]*)?$/;
const DOT_SEGMENT = /\/\.\.?(?:[/?]|$)/;
const EMPTY_QUERY = '';

/**
 * The request target's path and query, exactly as `new URL()` reads them
 * (only origin-form is served: anything else is a 400). The URL parser costs
 * a heartbeat more than all its routing, so a plain target is split instead
 * of parsed; a property test holds the two equal.
 */
export function parseTarget(target: string | undefined): RequestTarget {
  if (target !== undefined && PLAIN_TARGET.test(target) && !DOT_SEGMENT.test(target)) {
    const q = target.indexOf('?');
    return q < 0
      ? { pathname: target, searchParams: new URLSearchParams(EMPTY_QUERY) }
      : // With its `?`: the constructor drops one leading `?`, and only that one (`/x??a` is the pair `?a`).
        { pathname: target.slice(0, q), searchParams: new URLSearchParams(target.slice(q)) };
  }
  if (target?.startsWith('/')) {
    try {
      const url = new URL(`http://fleet.invalid${target}`);
      return { pathname: url.pathname, searchParams: url.searchParams };
    } catch {
      // fall through to the refusal below
    }
  }
  throw new HttpError('bad_request', 'The request target must be a path');
}
