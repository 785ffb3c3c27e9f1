import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// The real node:crypto, with timingSafeEqual watched: the token-timing test counts its calls.
const crypto = await vi.hoisted(async () => {
  const actual = await import('node:crypto');
  return { ...actual, hash: vi.fn(actual.hash), timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});
vi.mock('node:crypto', () => ({ ...crypto, default: crypto }));
import { constantTimeEqual, createTokenCheck, generateToken, loadOrCreateTokens } from '../../../../electron/core/http/tokens';
import { useTempDir } from '../../../support/temp-dir';

describe('port tokens', () => {
  const tempDir = useTempDir();

  it('generates two distinct 256-bit tokens on first run and keeps them in a 0600 file beside the database', () => {
    const dir = tempDir();
    const tokens = loadOrCreateTokens(path.join(dir, 'fleet.db'), {});
    expect(tokens.file).toBe(path.join(dir, 'tokens.json'));
    expect(tokens.agentToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokens.operatorToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokens.agentToken).not.toBe(tokens.operatorToken);
    expect(fs.statSync(tokens.file!).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(tokens.file!, 'utf8'))).toEqual({ agent_token: tokens.agentToken, operator_token: tokens.operatorToken });
  });

  it('reuses the saved tokens on the next run and tightens loose permissions', () => {
    const db = path.join(tempDir(), 'fleet.db');
    const first = loadOrCreateTokens(db, {});
    fs.chmodSync(first.file!, 0o644);
    const second = loadOrCreateTokens(db, {});
    expect(second).toEqual(first);
    expect(fs.statSync(first.file!).mode & 0o777).toBe(0o600);
  });

  it('given tokens win; both given means no file at all', () => {
    const dir = tempDir();
    const both = loadOrCreateTokens(path.join(dir, 'fleet.db'), { agentToken: 'a'.repeat(20), operatorToken: 'o'.repeat(20) });
    expect(both).toEqual({ agentToken: 'a'.repeat(20), operatorToken: 'o'.repeat(20), file: null });
    expect(fs.existsSync(path.join(dir, 'tokens.json'))).toBe(false);
    const one = loadOrCreateTokens(path.join(dir, 'fleet.db'), { operatorToken: 'o'.repeat(20) });
    expect(one.operatorToken).toBe('o'.repeat(20));
    expect(one.agentToken).not.toBe('o'.repeat(20));
  });

  it('refuses a tokens file that is not one, saying what to do', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'tokens.json'), '{"agent_token": 5}');
    expect(() => loadOrCreateTokens(path.join(dir, 'fleet.db'), {})).toThrow(/not a Fleet Monitor tokens file; move it aside/);
  });

  it('the token check tells the two tokens apart exactly, whatever the lengths', () => {
    const tokens = { agentToken: generateToken(), operatorToken: generateToken() };
    const check = createTokenCheck(tokens);
    expect(check(tokens.operatorToken)).toBe('operator');
    expect(check(tokens.agentToken)).toBe('agent');
    for (const token of [tokens.operatorToken.slice(0, -1), `${tokens.agentToken}x`, '', tokens.agentToken.toUpperCase(), 'x'.repeat(10_000)]) {
      expect(check(token)).toBeNull();
    }
  });

  it('token timing: every presented token costs one hash and two fixed-length constant-time comparisons', () => {
    const tokens = { agentToken: generateToken(), operatorToken: generateToken() };
    const check = createTokenCheck(tokens);
    const near = `${tokens.operatorToken.slice(0, -1)}${tokens.operatorToken.endsWith('A') ? 'B' : 'A'}`;
    for (const token of [tokens.operatorToken, tokens.agentToken, near, '', 'x', 'x'.repeat(10_000)]) {
      crypto.timingSafeEqual.mockClear();
      crypto.hash.mockClear();
      check(token);
      expect(crypto.hash).toHaveBeenCalledTimes(1);
      // Both comparisons run whichever token matched, or none; each over 32-byte digests, never the raw tokens.
      expect(crypto.timingSafeEqual).toHaveBeenCalledTimes(2);
      for (const [a, b] of crypto.timingSafeEqual.mock.calls) expect([a.byteLength, b.byteLength]).toEqual([32, 32]);
    }
  });
});

describe('constantTimeEqual', () => {
  it('is string equality', () => {
    expect(constantTimeEqual('Bearer abc', 'Bearer abc')).toBe(true);
    expect(constantTimeEqual('Bearer abc', 'Bearer abd')).toBe(false);
    expect(constantTimeEqual('Bearer abc', 'Bearer ab')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('é', 'e')).toBe(false);
  });
});
