/**
 * The one rule for text that names or labels an agent: it must show what it
 * is. Control characters (C0, DEL, C1, NUL included), lone surrogates,
 * invisible format characters (\p{Cf}: bidi embeddings, overrides, isolates and
 * marks, zero-width space/joiners, word joiner, BOM, soft hyphen, …) and the
 * line/paragraph separators would let one name pass for another (`api\u202Eipa`,
 * `api\u200B`) or break the line it is shown on. Agents are refused such text
 * (400); names the monitor derives itself (a hook's working directory) have
 * those characters replaced instead, since the agent never chose them.
 */

/** Matches one character a name or label value may not hold. */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;
const HIDDEN_ALL = new RegExp(HIDDEN.source, 'gu');

/** What a refusal says about such text. */
export const SAFE_TEXT_RULE = 'must not contain control, invisible format (bidi, zero-width) or lone surrogate characters';

/** Whether `text` holds no character that hides or disguises what it shows. */
export function isSafeText(text: string): boolean {
  return !HIDDEN.test(text);
}

/** `text` with each such character replaced by U+FFFD, so it shows that something was there. */
export function toSafeText(text: string): string {
  return text.replace(HIDDEN_ALL, '\uFFFD');
}

/**
 * The longest prefix of `text` of at most `max` UTF-16 units that does not
 * end in half a surrogate pair (a plain `slice` can leave a lone surrogate).
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.charCodeAt(max - 1);
  return text.slice(0, cut >= 0xd800 && cut <= 0xdbff ? max - 1 : max);
}
