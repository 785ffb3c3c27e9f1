import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A command line the CLI refuses: every command says so in one line and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `node:util`'s parseArgs, with its refusals as {@link UsageError}. */
export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
