/**
 * What is left for the user after `connect` wrote an agent's settings: the
 * variables its hooks read must be set where the agent starts, and an
 * absolute invocation must keep pointing at an install that exists.
 */
import { DEFAULT_FLEET_URL, TOKEN_VARIABLE, type ConnectContext } from './connect-context';
import { isNpxCache, shellCommand, type Invocation } from './connect-invocation';

/** The lines that say what is left to do for `agent` ("Claude Code", "Codex"). */
export function whatIsLeft(context: ConnectContext, options: { readonly url: string; readonly invocation: Invocation }, agent: string): string[] {
  const exports = [`export ${TOKEN_VARIABLE}=<the agent token>`];
  const url = options.url.replace(/\/+$/, '');
  // The command hooks read FLEET_URL like every fleet-monitor command; only the http hooks have the URL written in.
  if (url !== DEFAULT_FLEET_URL) exports.push(`export FLEET_URL=${url}`);
  const lines = [
    'Left to do:',
    `  ${exports.join('; ')}`,
    `  where ${agent} starts (your shell profile, e.g. ~/.profile), then start ${agent} again: a running one does not see new variables.`,
    context.env[TOKEN_VARIABLE]
      ? `  ${TOKEN_VARIABLE} is set in this shell: that value will do.`
      : `  The agent token is in Fleet Monitor's Settings, or in tokens.json beside its database. It is read from the environment and written to no file.`,
  ];
  if (isNpxCache(options.invocation)) {
    lines.push(`  This copy runs from npx's cache, which npm may clear: install fleet-monitor (npm i -g) and connect again, or pass --invoke path.`);
  } else if (options.invocation.kind === 'absolute') {
    lines.push(`  The hooks run ${shellCommand(options.invocation, [])} (this install): connect again if it moves.`);
  }
  return lines;
}
