import type { ZodType } from 'zod';
import { HttpError } from './http-error';

/**
 * Bodies longer than this are parsed every time: a heartbeat's name and labels
 * fit well within it, and it bounds what the cache can hold (at most some 8 MB a route).
 */
const MAX_CACHED_TEXT = 512;
/** Room for every agent's own body in a fleet of over ten thousand. */
const MAX_ENTRIES = 16_384;

/**
 * Parses and validates one route's JSON bodies, remembering the result for
 * each distinct text. Agents resend the same body with every heartbeat (their
 * name and labels), so the hot path skips `JSON.parse` and the schema for all
 * but the first. Validation is a pure function of the text, so a remembered
 * value is exactly what a fresh parse would give; values are deep-frozen
 * because callers share them. Refused bodies are never remembered.
 */
export class JsonBodyParser<T> {
  private readonly known = new Map<string, T>();

  constructor(private readonly schema: ZodType<T>) {}

  /**
   * The validated body; `undefined` text (no body, or only whitespace) and
   * JSON `null` validate as `{}`. Throws `bad_request` for invalid JSON and
   * the schema's error for a body it refuses.
   */
  parse(text: string | undefined): T {
    const key = text ?? '';
    const hit = this.known.get(key);
    if (hit !== undefined) return hit;
    const value = deepFreeze(this.schema.parse(parseJson(text) ?? {}));
    if (key.length <= MAX_CACHED_TEXT) {
      // Oldest first out: a steady fleet's bodies stay, a flood of one-off bodies cycles through.
      if (this.known.size >= MAX_ENTRIES) this.known.delete(this.known.keys().next().value!);
      this.known.set(key, value);
    }
    return value;
  }
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError('bad_request', 'The body is not valid JSON');
  }
}

function deepFreeze<V>(value: V): V {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
