/**
 * What `connect` / `disconnect` take from the world and give back. The home
 * directory, working directory, environment and clock are passed in, so
 * tests run on temp home directories and nothing reads the real `~`.
 */

/** Fleet Monitor's agent port when FLEET_URL is not set. */
export { DEFAULT_FLEET_URL } from './fleet-client';

/** The variable that holds the agent token where the agent runs: hooks name it, so no file holds the token. */
export const TOKEN_VARIABLE = 'FLEET_AGENT_TOKEN';

export interface ConnectContext {
  /** The user's home directory (`~`). */
  readonly home: string;
  /** Where relative paths (`--project DIR`) start. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Epoch ms; names the backups. */
  readonly now: () => number;
}

/** What a connect or disconnect did (or, with --print, would do). */
export interface ConnectOutcome {
  /** The agent's settings file. */
  readonly file: string;
  /** Its planned content ('' when it is to be removed). */
  readonly text: string;
  /** Whether the plan differs from the file. */
  readonly changed: boolean;
  /** Whether the file was written (or removed) — never with --print. */
  readonly written: boolean;
  /** The copy of the file as it was, when one was made. */
  readonly backup?: string;
  /** What to tell the user, one line each. */
  readonly lines: readonly string[];
}
