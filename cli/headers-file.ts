/**
 * Reads a saved HTTP response's headers, as `curl -i` / `curl -D` print them
 * (`Name: value` lines after an optional status line, ending at a blank line),
 * or as a JSON object `{name: value}`. Repeated names become lists.
 */
export function parseHeadersText(text: string): Record<string, string | string[]> {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const json: unknown = JSON.parse(trimmed);
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('the JSON must be an object of header names to values');
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(json)) {
      if (typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'))) headers[name] = value;
      else throw new Error(`header '${name}' must be a string or a list of strings`);
    }
    return headers;
  }
  const headers: Record<string, string | string[]> = {};
  const lines = trimmed.split(/\r?\n/);
  // curl -i of a redirect or 100-continue prints several blocks; the last one is the answer.
  const lastStatus = lines.reduce((at, line, index) => (/^HTTP\/\S+\s+\d{3}/.test(line) ? index : at), -1);
  for (const line of lines.slice(lastStatus + 1)) {
    if (line.trim() === '') break;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`not a header line: ${JSON.stringify(line.slice(0, 60))}`);
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    const existing = headers[name];
    headers[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return headers;
}
