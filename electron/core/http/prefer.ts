/**
 * The `Prefer` request header (RFC 7240), for its one preference the port
 * honours: `return=minimal`, which turns a write's `200 {"agent": …}` into a
 * bare `204` (Fleet Monitor's own senders ask for it: they never read the
 * reply). Grammar: `Prefer: preference *("," preference)`, each
 * `token [BWS "=" BWS word] *(OWS ";" [OWS parameter])`; names are
 * case-insensitive, a word may be quoted; Node joins repeated headers with ", ".
 */

/** The header that says the preference was applied. */
export const PREFERENCE_APPLIED = { 'preference-applied': 'return=minimal' } as const;

/**
 * Whether the request asks for `return=minimal`: its first `return`
 * preference says so (RFC 7240 §2: of a preference given more than once, only
 * the first counts). Commas inside quoted words are not split on.
 */
export function prefersMinimalReturn(value: string | readonly string[] | undefined): boolean {
  // What the bundled senders write, answered without parsing; any other spelling is parsed.
  if (value === 'return=minimal') return true;
  const header = typeof value === 'string' ? value : value?.join(',');
  if (header === undefined || !/return/i.test(header)) return false;
  for (const preference of splitOutsideQuotes(header, ',')) {
    const [head = ''] = splitOutsideQuotes(preference, ';');
    const eq = head.indexOf('=');
    const name = (eq < 0 ? head : head.slice(0, eq)).trim().toLowerCase();
    if (name !== 'return') continue;
    return eq >= 0 && unquote(head.slice(eq + 1).trim()).toLowerCase() === 'minimal';
  }
  return false;
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === '\\' && quoted) i++;
    else if (c === separator && !quoted) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function unquote(word: string): string {
  return word.length >= 2 && word.startsWith('"') && word.endsWith('"') ? word.slice(1, -1).replace(/\\(.)/g, '$1') : word;
}
