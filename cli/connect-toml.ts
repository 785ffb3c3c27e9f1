/**
 * Minimal edits of a TOML file's text for one top-level key, checked with a
 * real parser (smol-toml). Rewriting the file from a parsed value would drop
 * every comment and the user's layout, so the text is edited in place
 * instead: one line goes in before the first table, or the key's lines come
 * out, and the result must parse to exactly the old document with that one
 * key added or removed. An edit that does not is never written.
 */
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'smol-toml';

export type TomlDocument = Record<string, unknown>;

/**
 * A parsed document as plain data: smol-toml builds null-prototype objects
 * and TomlDate values, which a deep comparison with plain objects would
 * always call different.
 */
export function tomlData(value: unknown): unknown {
  if (value instanceof Date) return { date: (value as Date).toISOString() };
  if (Array.isArray(value)) return value.map(tomlData);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, tomlData(item)]));
  }
  return value;
}

function parseData(text: string): TomlDocument {
  return tomlData(parse(text)) as TomlDocument;
}

/** Parses `text` (missing or empty is `{}`) to plain data, or a clear error naming `file`. */
export function parseToml(text: string | undefined, file: string): TomlDocument {
  try {
    return parseData(text ?? '');
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(`${file} is not valid TOML (${detail}); fix it first, nothing was changed`);
  }
}

/** `key = ["a", "b"]`: TOML basic strings share JSON's escapes for everything a path or word holds. */
export function tomlArrayLine(key: string, values: readonly string[]): string {
  return `${key} = [${values.map((value) => JSON.stringify(value)).join(', ')}]`;
}

interface Lines {
  readonly lines: string[];
  readonly eol: string;
}

function toLines(text: string): Lines {
  return { lines: text.split(/\r?\n/), eol: text.includes('\r\n') ? '\r\n' : '\n' };
}

const TABLE_HEADER = /^\s*\[/;
const BLANK_OR_COMMENT = /^\s*(#.*)?$/;

/**
 * Adds the top-level `line` (setting `key` to `value`) to `text`: after the
 * last top-level line before the first table header (so a comment that heads
 * the table stays with it), else right before the header, else at the end.
 * Returns undefined when no placement parses as the old document plus the key.
 */
export function insertTopLevelLine(text: string, key: string, value: unknown, line: string): string | undefined {
  const before = parseData(text);
  const expected = { ...before, [key]: value };
  if (text.trim() === '') return `${line}\n`;
  const { lines, eol } = toLines(text);
  const candidates: number[] = [];
  // A line that looks like a header may sit inside a multi-line string or array: the parser decides.
  lines.forEach((current, index) => {
    if (!TABLE_HEADER.test(current)) return;
    let above = index;
    while (above > 0 && BLANK_OR_COMMENT.test(lines[above - 1]!)) above--;
    candidates.push(above, index);
  });
  const end = lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
  candidates.push(end);
  for (const at of new Set(candidates)) {
    const next = [...lines.slice(0, at), line, ...lines.slice(at)];
    if (at === lines.length) next.push(''); // The file had no final newline; ours gets one.
    const candidate = next.join(eol);
    if (parsesTo(candidate, expected)) return candidate;
  }
  return undefined;
}

/**
 * Removes the top-level `key` and its value's lines (a multi-line array
 * too) from `text`. Returns undefined when no removal parses as the old
 * document without the key.
 */
export function removeTopLevelKey(text: string, key: string): { text: string; at: number } | undefined {
  const before = parseData(text);
  const expected = { ...before };
  delete expected[key];
  const { lines, eol } = toLines(text);
  const start = new RegExp(`^\\s*(${key}|"${key}"|'${key}')\\s*=`);
  for (let index = 0; index < lines.length; index++) {
    const match = start.exec(lines[index]!);
    if (!match) continue;
    const last = valueEndLine(lines, index, match[0].length);
    if (last === undefined) continue;
    const candidate = [...lines.slice(0, index), ...lines.slice(last + 1)].join(eol);
    if (parsesTo(candidate, expected)) return { text: candidate, at: index };
  }
  return undefined;
}

function parsesTo(text: string, expected: TomlDocument): boolean {
  try {
    return isDeepStrictEqual(parseData(text), expected);
  } catch {
    return false;
  }
}

/**
 * The line on which the value that starts at `lines[line][column]` ends:
 * brackets are counted outside strings and comments, so an array written
 * over several lines is found whole.
 */
function valueEndLine(lines: readonly string[], line: number, column: number): number | undefined {
  let depth = 0;
  let seen = false;
  let quote: '"' | "'" | '"""' | "'''" | undefined;
  for (let row = line; row < lines.length; row++) {
    const text = lines[row]!;
    for (let i = row === line ? column : 0; i < text.length; i++) {
      const rest = text.slice(i);
      if (quote) {
        // Basic strings have escapes (\" does not end them); literal strings have none.
        if ((quote === '"' || quote === '"""') && text[i] === '\\') {
          i++;
        } else if (rest.startsWith(quote)) {
          i += quote.length - 1;
          quote = undefined;
        }
        continue;
      }
      if (rest.startsWith('"""') || rest.startsWith("'''")) {
        quote = rest.slice(0, 3) as '"""' | "'''";
        i += 2;
        seen = true;
      } else if (text[i] === '"' || text[i] === "'") {
        quote = text[i] as '"' | "'";
        seen = true;
      } else if (text[i] === '#') {
        break;
      } else if (text[i] === '[') {
        depth++;
        seen = true;
      } else if (text[i] === ']') {
        depth--;
      } else if (!/\s/.test(text[i]!)) {
        seen = true;
      }
    }
    // A single-line string ends with its line; a multi-line one or an open array goes on.
    if (quote === '"' || quote === "'") quote = undefined;
    if (seen && depth <= 0 && quote === undefined) return row;
  }
  return undefined;
}
