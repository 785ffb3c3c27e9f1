import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HttpError } from '../../../../electron/core/http/http-error';
import { parseTarget } from '../../../../electron/core/http/request-target';

/** What the port did before the plain-target split: the WHATWG URL parser on every request. */
function viaUrl(target: string): { pathname: string; query: [string, string][] } | 'refused' {
  if (!target.startsWith('/')) return 'refused';
  try {
    const url = new URL(`http://fleet.invalid${target}`);
    return { pathname: url.pathname, query: [...url.searchParams] };
  } catch {
    return 'refused';
  }
}

function viaPort(target: string): { pathname: string; query: [string, string][] } | 'refused' {
  try {
    const { pathname, searchParams } = parseTarget(target);
    return { pathname, query: [...searchParams] };
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).code).toBe('bad_request');
    return 'refused';
  }
}

// Every character class the two parsers might treat apart: dots and slashes (dot segments),
// `%` escapes (also of dots), `\`, `'`, `#`, space, quotes, non-ASCII, `?` and `&` `=`.
const pieces = fc.constantFrom(
  '/', '/', '/', 'v1', 'agents', 'a-1', 'heartbeat', '.', '..', '%2e', '%2E', '%2F', '%41', '%', '%zz', '\\', "'", '"', '#', ' ',
  '?', '??', '?&', '&', '=', '==', 'agent=a%20b', '+', '~', '@', ':', ';', '!', '$', '(', ')', '*', ',', '_', 'é', '日', '\t', '<', '>', '`', '{', '|',
);
const targets = fc.oneof(
  fc.array(pieces, { maxLength: 12 }).map((parts) => `/${parts.join('')}`),
  fc.array(pieces, { maxLength: 12 }).map((parts) => parts.join('')),
  fc.string({ maxLength: 24 }).map((text) => `/${text}`),
);

afterEach(() => vi.unstubAllGlobals());

describe('parseTarget', () => {
  it('reads every target as the URL parser does, the plain ones without it', () => {
    fc.assert(
      fc.property(targets, (target) => {
        expect(viaPort(target)).toEqual(viaUrl(target));
      }),
      { numRuns: 5_000 },
    );
  });

  it('splits the agents’ plain targets without the URL parser, and parses the others with it', () => {
    const RealUrl = URL;
    let parsed = 0;
    vi.stubGlobal(
      'URL',
      class extends RealUrl {
        constructor(...args: ConstructorParameters<typeof URL>) {
          super(...args);
          parsed++;
        }
      },
    );
    for (const target of ['/v1/agents/agent-7/heartbeat', '/v1/hooks/claude-code?agent=agent-7', '/v1/agents?status=offline&limit=100', '/healthz']) parseTarget(target);
    expect(parsed).toBe(0);
    for (const target of ['/v1/agents/../settings', '/v1/agents/a%2Fb/heartbeat', '/v1\\settings']) parseTarget(target);
    expect(parsed).toBe(3);
  });

  it('examples: the agents’ targets, and the ones that must go through the full parser', () => {
    expect(viaPort('/v1/agents/agent-7/heartbeat')).toEqual({ pathname: '/v1/agents/agent-7/heartbeat', query: [] });
    expect(viaPort('/v1/hooks/claude-code?agent=a%20b&x')).toEqual({ pathname: '/v1/hooks/claude-code', query: [['agent', 'a b'], ['x', '']] });
    expect(viaPort('/v1/agents/../settings')).toEqual({ pathname: '/v1/settings', query: [] });
    expect(viaPort('/v1/agents/%2e%2e/settings')).toEqual({ pathname: '/v1/settings', query: [] });
    expect(viaPort('/v1\\settings')).toEqual({ pathname: '/v1/settings', query: [] });
    expect(viaPort("/v1/x?q='a'")).toEqual({ pathname: '/v1/x', query: [['q', "'a'"]] });
    expect(viaPort('/v1/x#frag')).toEqual({ pathname: '/v1/x', query: [] });
    expect(viaPort('/v1/x??a=1')).toEqual({ pathname: '/v1/x', query: [['?a', '1']] });
    expect(viaPort('*')).toBe('refused');
    expect(viaPort('http://example.com/v1/agents')).toBe('refused');
  });
});
