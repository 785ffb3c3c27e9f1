import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The two bearer tokens of the agent port. */
export interface PortTokens {
  readonly agentToken: string;
  readonly operatorToken: string;
  /** Where generated tokens are kept, or null when both came from the environment or the store is in memory. */
  readonly file: string | null;
}

interface TokensFile {
  agent_token: string;
  operator_token: string;
}

/** A fresh token: 256 bits from the OS CSPRNG, URL-safe. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Resolves the tokens: a given one wins; a missing one is read from
 * `tokens.json` beside the database, or generated and saved there, readable
 * by the user only (0600), written atomically so a crash never leaves half a file.
 */
export function loadOrCreateTokens(dbPath: string, given: { agentToken?: string; operatorToken?: string }): PortTokens {
  if (given.agentToken && given.operatorToken) {
    return { agentToken: given.agentToken, operatorToken: given.operatorToken, file: null };
  }
  if (dbPath === ':memory:') {
    return { agentToken: given.agentToken ?? generateToken(), operatorToken: given.operatorToken ?? generateToken(), file: null };
  }
  const file = path.join(path.dirname(path.resolve(dbPath)), 'tokens.json');
  let saved = readTokensFile(file);
  if (!saved) {
    saved = { agent_token: generateToken(), operator_token: generateToken() };
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(temp, file);
  } else if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o077) !== 0) {
    fs.chmodSync(file, 0o600);
  }
  return {
    agentToken: given.agentToken ?? saved.agent_token,
    operatorToken: given.operatorToken ?? saved.operator_token,
    file,
  };
}

function readTokensFile(file: string): TokensFile | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<TokensFile>;
  if (typeof parsed.agent_token !== 'string' || typeof parsed.operator_token !== 'string' || !parsed.agent_token || !parsed.operator_token) {
    throw new Error(`${file} is not a Fleet Monitor tokens file; move it aside to generate new tokens`);
  }
  return { agent_token: parsed.agent_token, operator_token: parsed.operator_token };
}

/** Who a presented bearer token belongs to. */
export type TokenRole = 'operator' | 'agent';

/**
 * The port's token check. Each expected token is hashed once; a presented
 * token is hashed and compared with both digests in constant time, and both
 * comparisons always run: neither a token's content, nor its length, nor
 * which of the two tokens it came close to shows in the timing.
 */
export function createTokenCheck(tokens: Pick<PortTokens, 'agentToken' | 'operatorToken'>): (presented: string) => TokenRole | null {
  const operator = tokenDigest(tokens.operatorToken);
  const agent = tokenDigest(tokens.agentToken);
  return (presented) => {
    const digest = tokenDigest(presented);
    const isOperator = timingSafeEqual(digest, operator);
    const isAgent = timingSafeEqual(digest, agent);
    return isOperator ? 'operator' : isAgent ? 'agent' : null;
  };
}

/**
 * Whether two strings are equal, taking the same time whatever they share:
 * every character is compared. Only the lengths show (a bearer header's
 * length says nothing a token's fixed length does not).
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** SHA-256 of a token: fixed length whatever the token's, so the comparison can be constant-time. */
function tokenDigest(token: string): Buffer {
  // The one-shot form: this runs on every request, and skips a Hash object per call.
  return hash('sha256', token, 'buffer');
}
