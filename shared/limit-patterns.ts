/**
 * The vocabulary of limit messages: which phrases say "not a limit", which
 * say billing, which say rate limit, and where a reset time follows. Tested
 * as a whole through `parseLimit` against a corpus of real texts.
 *
 * Patterns run on a line made plain by {@link normalizeLine}.
 */

/**
 * A line matching one of these is about limits but is not one: a warning, a
 * switch to paid credits, a server-side overload, a too-long context or
 * request. The whole line is set aside, its reset time too.
 */
export const NOT_A_LIMIT: readonly RegExp[] = [
  /\bused\s+(?:over\s+|about\s+|more than\s+|nearly\s+|almost\s+)?\d+(?:\.\d+)?\s*%/, // "You've used 90% of your session limit"
  /\b\d+(?:\.\d+)?\s*%\s+(?:of\s+)?(?:your\s+|the\s+)?(?:[\w-]+\s+){0,3}(?:limit|usage|quota)\b/, // "90% of your weekly limit"
  /\b(?:approaching|nearing|close to|near)\s+(?:your\s+|the\s+)?(?:[\w-]+\s+){0,3}(?:limit|quota)/,
  /\b(?:now|are|switched to|switching to|continue with|start)\s+using\s+(?:your\s+)?(?:extra usage|usage credits|credits|overage)/,
  // A fallback, not a stop: "Opus limit reached, now using Sonnet" — the agent keeps working.
  /\bnow using\b|\bswitch(?:ed|ing) (?:over )?to\b|\bfall(?:ing)? back to\b|\bfell back to\b/,
  // A hint under the limit line, not the limit: "/upgrade to increase your usage limit", "/rate-limit-options".
  /^\W*\/[a-z][\w-]*\b/,
  /\bnot (?:your|a) usage limit\b/,
  /overload/, // Anthropic's 529 overloaded_error, "Repeated 529 Overloaded errors"
  /(?:\b(?:error|status|http|code)\W{0,12}|^\W*)529\b|\b529\W{0,3}(?:error|overloaded)/, // a 529 status, not "Requested 529" tokens
  /\bcontext[ _-]?(?:limit|window|length)/, // "Context limit reached · /compact", context_length_exceeded
  /\bmaximum context\b|\bprompt is too long\b|\binput is too long\b/,
  /\brequest[ _-]too[ _-]large\b|\btoo large for\b/, // OpenAI: "Request too large for gpt-4o … must be reduced"
];

/**
 * Phrases that say the account must pay or be raised: it will not come back by
 * itself. ("Purchase more credits or try again at 3:28 PM" is Codex's usage
 * limit with an offer: an offer to buy is no billing error.)
 */
export const BILLING: readonly RegExp[] = [
  /\bcredit[ _-]?balance\b[^.]{0,20}\btoo[ _-]low\b|\bcredit_balance_too_low\b/,
  /\binsufficient[ _-](?:quota|credits?|funds|balance)\b/,
  /\b(?:out of|no (?:remaining )?|run out of)\s*credits\b/,
  /\bspend(?:ing)?[ _-]limit\b/,
  /\bbilling[ _-](?:error|hard[ _-]limit|not[ _-]active|issue|problem)\b/,
  /\bpayment[ _-](?:required|failed|method)\b/,
  /\b(?:org|organization|organisation|team|workspace|account)(?:'s)?\s+(?:is\s+|has\s+)?(?:run\s+)?out of\s+(?:usage|credits|funds)\b/,
];

/**
 * Billing only when no reset time comes with it: OpenAI's `insufficient_quota`
 * says "You exceeded your current quota, please check your plan and billing
 * details", and Gemini's free-tier rate limit says the same words followed by
 * "Please retry in 34s".
 */
export const BILLING_UNLESS_TIMED: readonly RegExp[] = [
  /\bcheck your plan and billing\b/,
  /\bplan and billing details\b/,
];

/** Phrases that say a rate, usage or quota limit was hit. */
export const RATE_LIMIT: readonly RegExp[] = [
  /\b(?:hit|reached) (?:your|the) (?:[\w-]+ ){0,3}limits?\b/, // "You've hit your session limit", "You've reached your weekly limit"
  /\blimits? (?:has been |have been |was |is )?(?:reached|exceeded|hit)\b/, // "Claude usage limit reached", "5-hour limit reached"
  // Said of the agent, not prose about the feature ("I added rate limiting to the client"):
  /\brate[ _-]?limits? (?:reached|exceeded|hit|error)\b|\brate[ _-]?limited\b|\brate_limit_(?:error|exceeded)\b|\bratelimit(?:ed|exceeded)\b/,
  /\bexceed(?:s|ed)? (?:your|the) (?:[\w'-]+ ){0,3}rate[ _-]?limits?\b/, // Anthropic: "would exceed your organization's rate limit"
  /(?:^|\b(?:error|status|http|code)\b)\W{0,12}(?:429\b|too many requests\b)/, // a 429 answer, not "retry on 429" in prose
  /\bresource[ _-]?exhausted\b/,
  /\bexhausted (?:your|the) (?:[\w-]+ ){0,3}(?:quota|capacity|usage|limit)\b/, // Gemini: "You have exhausted your daily quota"
  /\bquota (?:has been |was )?(?:exceeded|exhausted|reached)\b|\bexceeded (?:your |the )?(?:[\w-]+ ){0,2}quota\b/,
  /\bout of (?:extra |your )?usage\b/, // "You're out of extra usage · resets 11:30am"
  /\busage_limit_reached\b/,
  /\b(?:requests?|you|was|were|been|being|are|is) throttled\b|\bthrottlingexception\b/,
];

/**
 * Gemini's per-day quotas reset at midnight Pacific time (its documented
 * reset): "exhausted your daily quota", quota ids like
 * `GenerateRequestsPerDayPerProjectPerModel`, or "per day" from Google's API.
 * Another provider's "requests per day" says nothing of when it resets.
 */
export const DAILY_QUOTA = /\bdaily quota\b|perday|per[ _-]day\b.*\b(?:gemini|generativelanguage|google)|\b(?:gemini|generativelanguage|google).*per[ _-]day\b/;
export const DAILY_QUOTA_ZONE = 'America/Los_Angeles';

/** Words after which a delay follows: "try again in 4 days", "Please retry in 34s", "resets in 2h". */
export const DELAY_TRIGGER =
  /\b(?:try(?:ing)? again|retry|resets?|renews?|refresh(?:es)?|available(?: again)?|back|wait(?: for)?|unlocks?)\s+(?:in|after|for)\s+/g;

/** Words after which a moment follows: "resets 3:45pm", "try again at 3:28 PM", "will reset at 1pm". */
export const MOMENT_TRIGGER =
  /\b(?:resets?|renews?|refresh(?:es)?|try again|retry|available(?: again)?|back|unlocks?|reset time(?: is)?|until)\b(?:\s+(?:at|on|after|by|around))?\s*/g;

/** Claude Code's machine form: `Claude AI usage limit reached|1762952400`. */
export const EPOCH_SUFFIX = /\|\s*(\d{9,13})(?!\d)/;

/**
 * The same line as the patterns read it: ASCII lower case, typographic
 * apostrophes and spaces made plain, URLs blanked (a docs link to
 * `…/rate-limits` is no signal). Every character keeps its index, so a match
 * here points into the original line.
 */
export function normalizeLine(line: string): string {
  return line
    .replace(/[A-Z]/g, (c) => c.toLowerCase())
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[\u00a0\u2007\u202f\t]/g, ' ')
    .replace(/\bhttps?:\/\/\S+/gi, (url) => ' '.repeat(url.length));
}
