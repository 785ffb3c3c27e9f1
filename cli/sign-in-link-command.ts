import fs from 'node:fs';
import { DEFAULT_FLEET_URL, FleetClient } from './fleet-client';
import { parseCommandLine, UsageError } from './usage-error';

/** What the command needs of its surroundings (tests inject them). */
export interface SignInLinkIo {
  readonly stdout: (line: string) => void;
  readonly fetch?: typeof fetch;
}

/**
 * `fleet-monitor sign-in-link [--url URL] [--tokens-file F]`: asks the port for
 * a fresh one-time sign-in link (when the one `serve` printed is used or
 * expired) and prints it as `serve` does. The operator token comes from
 * FLEET_OPERATOR_TOKEN or the tokens file `serve` names, never from the command
 * line (where shell history and `ps` would keep it); it is never printed.
 * Failures throw: the CLI's entry reports them in one line (exit 1; 2 for usage).
 */
export async function runSignInLink(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: SignInLinkIo): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args: [...argv],
    allowPositionals: true,
    options: { url: { type: 'string' }, 'tokens-file': { type: 'string' } },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const token = values['tokens-file'] !== undefined ? readOperatorToken(values['tokens-file']) : env.FLEET_OPERATOR_TOKEN;
  if (!token) throw new UsageError('no operator token: pass --tokens-file (the tokens.json that serve names) or set FLEET_OPERATOR_TOKEN');
  const client = new FleetClient({ url: values.url ?? env.FLEET_URL ?? DEFAULT_FLEET_URL, token, ...(io.fetch ? { fetch: io.fetch } : {}) });
  const link = await client.signInLink();
  io.stdout(`Fleet Monitor UI: ${link.url}`);
  io.stdout(`(works once, until ${link.expires_at})`);
  return 0;
}

function readOperatorToken(file: string): string {
  let parsed: { operator_token?: unknown };
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { operator_token?: unknown };
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof parsed.operator_token !== 'string' || !parsed.operator_token) throw new UsageError(`${file} has no operator_token`);
  return parsed.operator_token;
}
