import fs from 'node:fs';
import path from 'node:path';
import { ServeProcess } from './serve-process';

/** A running `serve` for the UI's end-to-end tests: its API and UI addresses and its tokens. */
export interface UiServer {
  readonly serve: ServeProcess;
  readonly url: string;
  /** The printed UI link (with its one-time sign-in code). */
  readonly ui: string;
  readonly agentToken: string;
  readonly operatorToken: string;
}

/**
 * Starts `out/main/serve.js` on `dir/fleet.db` (port 0 unless given, a fast
 * sweep), waits for its listening and UI lines, and reads the tokens it wrote.
 */
export async function startUiServer(dir: string, options: { args?: readonly string[]; port?: number } = {}): Promise<UiServer> {
  const serve = ServeProcess.start(['--port', String(options.port ?? 0), ...(options.args ?? [])], {
    FLEET_DB: path.join(dir, 'fleet.db'),
    FLEET_SWEEP_INTERVAL_MS: '50',
  });
  const url = (await serve.waitForLine(/^Fleet Monitor listening on /)).replace('Fleet Monitor listening on ', '');
  const ui = (await serve.waitForLine(/^Fleet Monitor UI: /)).replace('Fleet Monitor UI: ', '');
  const tokens = JSON.parse(fs.readFileSync(path.join(dir, 'tokens.json'), 'utf8')) as { agent_token: string; operator_token: string };
  return { serve, url, ui, agentToken: tokens.agent_token, operatorToken: tokens.operator_token };
}

/** A POST to the server, as an agent unless another token is given; a body, when there is one, as JSON. */
export function postTo(server: UiServer, p: string, body?: unknown, token = server.agentToken): Promise<Response> {
  return fetch(`${server.url}${p}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
}
