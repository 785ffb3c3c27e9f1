/**
 * How an agent's hooks run `fleet-monitor`: by name from PATH, or by the
 * absolute paths of Node and of this install's `bin/fleet-monitor.js`. And
 * the other way round: whether a hook's command is one of ours, whichever of
 * the two forms (or whichever install) wrote it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `path`: `fleet-monitor` from PATH; `absolute`: this Node and this install's script; `auto`: path when PATH leads to this install. */
export const INVOKE_MODES = ['auto', 'path', 'absolute'] as const;
export type InvokeMode = (typeof INVOKE_MODES)[number];

/** The argv prefix that runs fleet-monitor; the hook's own arguments follow. */
export interface Invocation {
  readonly kind: 'path' | 'absolute';
  readonly argv: readonly string[];
}

/** The command's name on PATH (package.json's bin). */
export const COMMAND_NAME = 'fleet-monitor';
const SCRIPT_NAME = 'fleet-monitor.js';

export interface InvocationInput {
  readonly mode: InvokeMode;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** This install's `bin/fleet-monitor.js`, absolute; undefined when it cannot be found. */
  readonly selfBin: string | undefined;
  /** The Node that runs this process. */
  readonly execPath: string;
}

/**
 * Picks the invocation. `auto` takes the bare name only when `fleet-monitor`
 * on PATH is this very install (npm i -g, npm link): then the hooks survive a
 * Node upgrade. Otherwise (a project-local install, npx) PATH may not have it
 * where the agent runs, so the absolute paths are what works.
 */
export function resolveInvocation(input: InvocationInput): Invocation {
  const absolute = (): Invocation => {
    if (!input.selfBin) throw new Error(`cannot find this install's bin/${SCRIPT_NAME}; pass --invoke path to use '${COMMAND_NAME}' from PATH`);
    return { kind: 'absolute', argv: [input.execPath, input.selfBin] };
  };
  if (input.mode === 'path') return { kind: 'path', argv: [COMMAND_NAME] };
  if (input.mode === 'absolute') return absolute();
  // Without our own script there is nothing absolute to point at: the name is all there is.
  if (!input.selfBin) return { kind: 'path', argv: [COMMAND_NAME] };
  const onPath = findOnPath(COMMAND_NAME, input.env);
  if (onPath && sameFile(onPath, input.selfBin)) return { kind: 'path', argv: [COMMAND_NAME] };
  return absolute();
}

/** True when this install runs from npx's cache, which npm may clear: hooks pointing into it can break later. */
export function isNpxCache(invocation: Invocation): boolean {
  return invocation.kind === 'absolute' && invocation.argv.slice(1).some((part) => /[\\/]_npx[\\/]/.test(part));
}

/** This install's `bin/fleet-monitor.js`: the script this process was started as, else found beside the code. */
export function findSelfBin(argv1: string | undefined, moduleUrl: string): string | undefined {
  if (argv1) {
    try {
      const real = fs.realpathSync(argv1);
      if (path.basename(real) === SCRIPT_NAME) return real;
    } catch {
      // Not a file (a REPL, `node -e`): look beside the code instead.
    }
  }
  // The CLI is bundled to out/cli/ and tests run it from cli/: bin/ is one or two levels up.
  let dir = path.dirname(fileURLToPath(moduleUrl));
  for (let up = 0; up < 3; up++) {
    const candidate = path.join(dir, 'bin', SCRIPT_NAME);
    if (fs.existsSync(candidate)) return fs.realpathSync(candidate);
    dir = path.dirname(dir);
  }
  return undefined;
}

function findOnPath(name: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

function sameFile(a: string, b: string): boolean {
  try {
    return fs.realpathSync(a) === fs.realpathSync(b);
  } catch {
    return false;
  }
}

/** A word for a POSIX shell: bare when it is plainly safe, else single-quoted. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_/.,:@%+=-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The shell command line of a hook: the invocation, then `args`. */
export function shellCommand(invocation: Invocation, args: readonly string[]): string {
  return [...invocation.argv, ...args].map(shellQuote).join(' ');
}

/**
 * Splits a command line made of bare and single-quoted words (what
 * {@link shellQuote} writes). Anything else (double quotes, `$`, `\`, `;`,
 * pipes) is not a command we wrote: undefined.
 */
export function splitShellWords(command: string): string[] | undefined {
  const words: string[] = [];
  const word = /\s*((?:[A-Za-z0-9_/.,:@%+=-]+|'[^']*'|\\')+)(\s+|$)/y;
  let at = 0;
  const text = command.trim();
  while (at < text.length) {
    word.lastIndex = at;
    const match = word.exec(text);
    if (!match) return undefined;
    words.push(unquote(match[1]!));
    at = word.lastIndex;
  }
  return words;
}

function unquote(word: string): string {
  return word.replace(/'([^']*)'|\\'/g, (all, inner: string | undefined) => (all === "\\'" ? "'" : (inner ?? '')));
}

/**
 * Whether `argv` runs fleet-monitor with exactly `args`: `fleet-monitor …args`,
 * or a Node binary with a `…/fleet-monitor.js` script and then `…args`.
 */
export function isFleetArgv(argv: readonly unknown[], args: readonly string[]): boolean {
  if (!argv.every((part) => typeof part === 'string')) return false;
  const words = argv as readonly string[];
  const tail = (from: number) => words.length === from + args.length && args.every((arg, i) => words[from + i] === arg);
  if (words[0] === COMMAND_NAME) return tail(1);
  return words.length >= 2 && isNodeBinary(words[0]!) && scriptName(words[1]!) === SCRIPT_NAME && tail(2);
}

/** Whether a hook's shell command line is one {@link shellCommand} writes for `args`. */
export function isFleetCommand(command: unknown, args: readonly string[]): boolean {
  if (typeof command !== 'string') return false;
  const words = splitShellWords(command);
  return words !== undefined && isFleetArgv(words, args);
}

// `node`, `nodejs`, `node.exe`, or a versioned `node22`: what process.execPath is called.
function isNodeBinary(file: string): boolean {
  return /^node/i.test(scriptName(file));
}

function scriptName(file: string): string {
  return file.split(/[\\/]/).pop() ?? '';
}
