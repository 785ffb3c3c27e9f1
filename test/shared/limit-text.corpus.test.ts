/**
 * Acceptance corpus for parseLimit: the limit messages agents actually print,
 * written from public sources independently of the implementation. Every
 * expected time was computed by hand (and checked with Date/Intl) from the
 * issue's rules, never by running the module.
 *
 * Where the forms come from (wording kept; times, zones, durations, ids varied):
 * - Claude Code: anthropics/claude-code issues quoting the CLI's notices
 *   (#74079, #77082, #69160, #77978, #43551, #21562, #79136, #54698, #11429,
 *   #2087, #6119, #15064, #42654, #22603, #56219, #81647, #92834, #93340,
 *   #12789, #67939, #79167, #70183, #13990, #23993, #66314, #867) and the
 *   error reference at code.claude.com/docs/en/errors ("resets 3:45pm",
 *   "resets Mon 12:00am", "You've used 85% of your session limit").
 * - Codex CLI: openai/codex codex-rs/core/src/error.rs (UsageLimitReachedError:
 *   "… or try again at {time}." / " Try again later.", timestamps "%-I:%M %p"
 *   or "%b %-d{st|nd|rd|th}, %Y %-I:%M %p" in local time; QuotaExceeded), older
 *   "try again in 4 days 6 hours 37 minutes" (openai/codex #3899, #3124, #3257,
 *   #4095, #26668), the backend's usage_limit_reached body (james-6-23/codex2api#9).
 * - Gemini CLI / API: google-gemini/gemini-cli packages/core/src/utils/googleQuotaErrors.ts
 *   ("Please retry in …", "Suggested retry after …", RetryInfo "34.074824224s" /
 *   "60s" / "900ms", "You have exhausted your daily quota on this model."),
 *   RetryInfo bodies (googleapis/python-genai#1875, RooCodeInc/Roo-Code#3883),
 *   "Your quota will reset after 2h52m39s" (earendil-works/pi#2851); daily
 *   quotas reset at midnight Pacific (ai.google.dev/gemini-api/docs/rate-limits).
 * - OpenAI API bodies: Aider-AI/aider#1880 and #236, fetchfox/fetchfox#10,
 *   BuilderIO/micro-agent#86, semanser/codel#72, continuedev/continue#10602,
 *   ChatGPTNextWeb/NextChat#3123, zurawiki/gptcommit#84.
 * - Anthropic API bodies: the "Errors" blocks of the Claude Code issues above
 *   (rate_limit_error, credit balance, overloaded_error, context limit) and
 *   bhouston/mycoder#62 (organization rate limit).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLimit } from '../../shared/limit-text';
import type { ExhaustReason } from '../../shared/status';

/** Monday 2026-09-21T10:30:00Z. */
const NOW = Date.UTC(2026, 8, 21, 10, 30, 0);
const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const HORIZON = 7 * DAY;

type Expected = { readonly limit: false } | { readonly limit: true; readonly reason: ExhaustReason; readonly recoveryAt: string | null };

interface Row {
  readonly name: string;
  readonly input: unknown;
  readonly expected: Expected;
  readonly tz?: string;
  readonly defaultTz?: string;
  readonly now?: number;
  /** Allowed distance in ms (fractional seconds; a RetryInfo that rounds the message's delay). */
  readonly within?: number;
  /** A text the excerpt must contain (which line of a block was read). */
  readonly excerptHas?: string;
}

const NONE: Expected = { limit: false };
const rate = (recoveryAt: string | null): Expected => ({ limit: true, reason: 'rate_limit', recoveryAt });
const billing = (recoveryAt: string | null = null): Expected => ({ limit: true, reason: 'billing', recoveryAt });
const at = (ms: number) => new Date(ms).toISOString();
const after = (ms: number, now = NOW) => at(now + ms);
type Opts = Omit<Row, 'name' | 'input' | 'expected'>;
const row = (name: string, input: unknown, expected: Expected, opts: Opts = {}): Row => ({ name, input, expected, ...opts });

// ---------------------------------------------------------------- API bodies
const anthropicRateLimit = {
  type: 'error',
  error: { type: 'rate_limit_error', message: "This request would exceed your account's rate limit. Please try again later." },
  request_id: 'req_011CV2S4jxpPs7x8XWqHUiQ9',
};
const anthropicOrgRateLimit = {
  type: 'error',
  error: {
    type: 'rate_limit_error',
    message:
      'This request would exceed the rate limit for your organization (5f1c2e7a-0b44-4d1e-9a0e-3c2d8e6b7f10) of 40,000 input tokens per minute. For details, refer to: https://docs.anthropic.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.',
  },
};
const anthropicCredit = {
  type: 'error',
  error: {
    type: 'invalid_request_error',
    message: 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
  },
  request_id: 'req_011CbrFTcXhtiMzr3s6EoQ77',
};
const anthropicOverloaded = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: 'req_011CZA4n6fWRp57Nz63oU5aa' };
const anthropicContext = {
  type: 'error',
  error: {
    type: 'invalid_request_error',
    message: 'input length and `max_tokens` exceed context limit: 196402 + 21333 > 200000, decrease input length or `max_tokens` and try again',
  },
};

const openaiRate = (window: string, delay: string) => ({
  error: {
    message: `Rate limit reached for gpt-4o in organization org-Qx7vLr2mTb9aWk3NpZc1YdEe on ${window}: Limit 30000, Used 29615, Requested 1011. Please try again in ${delay}. Visit https://platform.openai.com/account/rate-limits to learn more.`,
    type: 'tokens',
    param: null,
    code: 'rate_limit_exceeded',
  },
});
const openaiTooLarge = {
  error: {
    message:
      'Request too large for gpt-4o in organization org-Qx7vLr2mTb9aWk3NpZc1YdEe on tokens per min (TPM): Limit 30000, Requested 48213. The input or output tokens must be reduced in order to run successfully. Visit https://platform.openai.com/account/rate-limits to learn more.',
    type: 'tokens',
    param: null,
    code: 'rate_limit_exceeded',
  },
};
const openaiQuota = {
  error: {
    message:
      'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
    type: 'insufficient_quota',
    param: null,
    code: 'insufficient_quota',
  },
};

const retryInfo = (retryDelay: string) => ({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay });
const geminiHelp = {
  '@type': 'type.googleapis.com/google.rpc.Help',
  links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }],
};
const perMinute = (quotaId: string, quotaMetric: string, model: string) => ({
  '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
  violations: [{ quotaMetric, quotaId, quotaDimensions: { location: 'global', model } }],
});
const geminiFreeTier = {
  error: {
    code: 429,
    message:
      'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/usage?tab=rate-limit. \n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 10, model: gemini-2.5-flash\nPlease retry in 53.016342224s.',
    status: 'RESOURCE_EXHAUSTED',
    details: [
      geminiHelp,
      perMinute('GenerateRequestsPerMinutePerProjectPerModel-FreeTier', 'generativelanguage.googleapis.com/generate_content_free_tier_requests', 'gemini-2.5-flash'),
      retryInfo('53s'),
    ],
  },
};
const geminiTokensPerMinute = {
  error: {
    code: 429,
    message:
      'You exceeded your current quota. Please migrate to Gemini 2.5 Pro Preview (models/gemini-2.5-pro-preview-03-25) for higher quota limits. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
    status: 'RESOURCE_EXHAUSTED',
    details: [
      geminiHelp,
      perMinute('GenerateContentInputTokensPerModelPerMinute-FreeTier', 'generativelanguage.googleapis.com/generate_content_free_tier_input_token_count', 'gemini-2.5-pro'),
      retryInfo('26s'),
    ],
  },
};
const vertexExhausted = (delay: string) => ({
  error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED', details: [retryInfo(delay)] },
});

const codexUsageLimit = {
  error: {
    type: 'usage_limit_reached',
    message: 'The usage limit has been reached',
    plan_type: 'plus',
    resets_at: Date.UTC(2026, 8, 21, 13, 0) / S,
    resets_in_seconds: 9000,
  },
};
const codexUsageLimitFree = {
  error: { type: 'usage_limit_reached', message: 'The usage limit has been reached', plan_type: 'free', resets_in_seconds: 602705 },
};

// ------------------------------------------------------------------- corpus
const ROWS: readonly Row[] = [
  // Claude Code: clock time without a date (next occurrence), zone in parentheses.
  row('CC session limit, no zone: monitor default UTC', "You've hit your session limit · resets 3:45pm", rate('2026-09-21T15:45:00.000Z')),
  row('CC session limit, no zone: reporter tz Asia/Tokyo (tomorrow there)', "You've hit your session limit · resets 3:45pm", rate('2026-09-22T06:45:00.000Z'), { tz: 'Asia/Tokyo' }),
  row('CC session limit, no zone: monitor default America/New_York', "You've hit your session limit · resets 3:45pm", rate('2026-09-21T19:45:00.000Z'), { defaultTz: 'America/New_York' }),
  row('CC reporter tz beats monitor default', "You've hit your session limit · resets 3:45pm", rate('2026-09-22T06:45:00.000Z'), { tz: 'Asia/Tokyo', defaultTz: 'America/New_York' }),
  row('CC limit, Asia/Dhaka, 1:30am is tonight UTC', "You've hit your limit · resets 1:30am (Asia/Dhaka)", rate('2026-09-21T19:30:00.000Z')),
  row('CC zone in parentheses beats reporter tz', "You've hit your session limit · resets 8:30pm (Asia/Tokyo)", rate('2026-09-21T11:30:00.000Z'), { tz: 'America/Los_Angeles' }),
  row('CC America/Los_Angeles 12:50am (next day)', "You've hit your session limit · resets 12:50am (America/Los_Angeles)", rate('2026-09-22T07:50:00.000Z')),
  row('CC Europe/Berlin 10:30pm (CEST)', "You've hit your session limit · resets 10:30pm (Europe/Berlin)", rate('2026-09-21T20:30:00.000Z')),
  row('CC hour without minutes, Africa/Cairo (EEST)', "You've hit your limit · resets 8pm (Africa/Cairo)", rate('2026-09-21T17:00:00.000Z')),
  row('CC Pacific/Auckland (NZST, before its DST start)', "You've hit your session limit · resets 2:30pm (Pacific/Auckland)", rate('2026-09-22T02:30:00.000Z')),
  row('CC legacy zone name Asia/Calcutta', "You've hit your session limit · resets 3:20am (Asia/Calcutta)", rate('2026-09-21T21:50:00.000Z')),
  row('CC America/Mexico_City (no DST)', "You've hit your session limit · resets 4:20pm (America/Mexico_City)", rate('2026-09-21T22:20:00.000Z')),
  row('CC Europe/Rome 4:50am (next day)', "You've hit your limit · resets 4:50am (Europe/Rome)", rate('2026-09-22T02:50:00.000Z')),
  row('CC Europe/Moscow 1:10am', "You've hit your session limit · resets 1:10am (Europe/Moscow)", rate('2026-09-21T22:10:00.000Z')),
  row('CC Australia/Brisbane 5pm (next day)', "You've hit your session limit · resets 5pm (Australia/Brisbane)", rate('2026-09-22T07:00:00.000Z')),
  row('CC upper-case PM', "You've hit your session limit · resets 5:10PM (Europe/Paris)", rate('2026-09-21T15:10:00.000Z')),
  row('CC 12pm is noon (Europe/London, BST)', "You've hit your session limit · resets 12pm (Europe/London)", rate('2026-09-21T11:00:00.000Z')),
  row('CC (UTC) in parentheses beats reporter tz', "You've hit your session limit · resets 11pm (UTC)", rate('2026-09-21T23:00:00.000Z'), { tz: 'Asia/Tokyo' }),
  row('CC (GMT) in parentheses', "You've hit your session limit · resets 6pm (GMT)", rate('2026-09-21T18:00:00.000Z'), { defaultTz: 'America/Chicago' }),
  row('CC old form, Etc/GMT+5 is UTC-5', 'Claude usage limit reached. Your limit will reset at 1pm (Etc/GMT+5).', rate('2026-09-21T18:00:00.000Z')),
  row('CC old form, Etc/GMT-8 is UTC+8 (next day)', 'Claude usage limit reached. Your limit will reset at 9am (Etc/GMT-8).', rate('2026-09-22T01:00:00.000Z')),
  row('CC old form, Europe/Warsaw', 'Claude usage limit reached. Your limit will reset at 5pm (Europe/Warsaw).', rate('2026-09-21T15:00:00.000Z')),
  row('CC old form with gutter, America/Chicago', '  ⎿  Claude usage limit reached. Your limit will reset at 9am (America/Chicago).', rate('2026-09-21T14:00:00.000Z')),
  row('CC older "Weekly limit reached" form (Asia/Seoul)', "Weekly limit reached · resets 10am (Asia/Seoul) · /upgrade to Max or turn on /extra-usage", rate('2026-09-22T01:00:00.000Z')),
  row("CC extra usage spent, Asia/Colombo", "You're out of extra usage · resets 11:30am (Asia/Colombo)", rate('2026-09-22T06:00:00.000Z')),
  row("CC extra usage spent, reporter tz", "You're out of extra usage · resets 9pm", rate('2026-09-21T19:00:00.000Z'), { tz: 'Europe/Berlin' }),

  // Claude Code: weekday (next such weekday + time after now).
  row('CC weekly, Mon 12:00am from a Monday morning: next Monday', "You've hit your weekly limit · resets Mon 12:00am", rate('2026-09-28T00:00:00.000Z')),
  row('CC weekly, Mon 3pm: later today', "You've hit your weekly limit · resets Mon 3pm", rate('2026-09-21T15:00:00.000Z')),
  row('CC weekly, Mon 9am: earlier today, so next week (inside 7 days)', "You've hit your weekly limit · resets Mon 9am", rate('2026-09-28T09:00:00.000Z')),
  row('CC weekly, Thu 9:00pm in reporter tz America/Denver', "You've hit your weekly limit · resets Thu 9:00pm", rate('2026-09-25T03:00:00.000Z'), { tz: 'America/Denver' }),
  row('CC weekly, Wed 4am (Europe/Madrid)', "You've hit your weekly limit · resets Wed 4am (Europe/Madrid)", rate('2026-09-23T02:00:00.000Z')),

  // Claude Code: month and day without a year (next such date).
  row('CC weekly, Sep 24, 9am (America/Los_Angeles)', "You've hit your weekly limit · resets Sep 24, 9am (America/Los_Angeles)", rate('2026-09-24T16:00:00.000Z')),
  row('CC weekly, Sep 24, 2am (UTC)', "You've hit your weekly limit · resets Sep 24, 2am (UTC)", rate('2026-09-24T02:00:00.000Z')),
  row('CC weekly, month-day with minutes (Asia/Kolkata)', "You've hit your weekly limit · resets Sep 26, 7:30pm (Asia/Kolkata)", rate('2026-09-26T14:00:00.000Z')),
  row('CC weekly, month-day in reporter tz', "You've hit your weekly limit · resets Sep 27, 4pm", rate('2026-09-27T14:00:00.000Z'), { tz: 'Europe/Rome' }),
  row('CC weekly, "Sep 25 at 7pm" form', "You've hit your weekly limit · resets Sep 25 at 7pm", rate('2026-09-25T09:00:00.000Z'), { tz: 'Australia/Brisbane' }),
  row('CC extra usage, month-day (Europe/Budapest)', "You're out of extra usage · resets Sep 23, 8pm (Europe/Budapest)", rate('2026-09-23T18:00:00.000Z')),
  row('CC weekly, Jul 31 is next year: beyond 7 days', "You've hit your weekly limit · resets Jul 31, 2am (UTC)", rate(null)),
  row('CC limit, Jan 30 is next year: beyond 7 days', "You've hit your limit · resets Jan 30, 11:30am (Asia/Calcutta)", rate(null)),
  row('CC weekly, Oct 5 is 14 days away: beyond 7 days', "You've hit your weekly limit · resets Oct 5, 4pm (Europe/Rome)", rate(null)),

  // Claude Code: epoch after the pipe (seconds below 10^12, else ms).
  row('CC epoch seconds', `Claude AI usage limit reached|${Date.UTC(2026, 8, 21, 15, 0) / S}`, rate('2026-09-21T15:00:00.000Z')),
  row('CC epoch milliseconds', `Claude AI usage limit reached|${Date.UTC(2026, 8, 23, 18, 0)}`, rate('2026-09-23T18:00:00.000Z')),
  row('CC epoch exactly 7 days ahead: still inside', `Claude AI usage limit reached|${(NOW + HORIZON) / S}`, rate('2026-09-28T10:30:00.000Z')),
  row('CC epoch 7 days + 1 minute ahead: beyond', `Claude AI usage limit reached|${(NOW + HORIZON + MIN) / S}`, rate(null)),
  row('CC epoch in the past (the real 1762952400)', 'Claude AI usage limit reached|1762952400', rate(null)),

  // Claude Code: billing.
  row('CC credit balance', 'Credit balance is too low', billing()),
  row('CC credit balance, add-funds form', 'Credit balance too low · Add funds: https://console.anthropic.com/settings/billing', billing()),
  row('CC monthly spend limit', "You've hit your monthly spend limit · raise it at claude.ai/settings/usage", billing()),
  row('CC monthly spend limit, link with query', "You've hit your monthly spend limit · raise it at claude.ai/settings/usage?from=cc_cli_limit_message", billing()),
  row('CC org out of usage', 'Your org is out of usage · contact your admin', billing()),

  // Codex CLI: local clock time, no zone (the reporter's zone).
  row(
    'Codex plus plan, 3:28 PM in reporter tz America/New_York',
    "You've hit your usage limit. Upgrade to Pro (https://openai.com/chatgpt/pricing), visit https://chatgpt.com/codex/settings/usage to purchase more credits or try again at 3:28 PM.",
    rate('2026-09-21T19:28:00.000Z'),
    { tz: 'America/New_York' },
  ),
  row(
    'Codex pro plan, 4:05 PM is tomorrow in Australia/Brisbane',
    "■ You've hit your usage limit. Visit https://chatgpt.com/codex/settings/usage to purchase more credits or try again at 4:05 PM.",
    rate('2026-09-22T06:05:00.000Z'),
    { tz: 'Australia/Brisbane' },
  ),
  row(
    'Codex team plan, 9:00 AM in Europe/London (tomorrow)',
    "You've hit your usage limit. To get more access now, send a request to your admin or try again at 9:00 AM.",
    rate('2026-09-22T08:00:00.000Z'),
    { tz: 'Europe/London' },
  ),
  row(
    'Codex, no reporter tz: monitor default Asia/Kolkata',
    "ERROR: You've hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit https://chatgpt.com/codex/settings/usage to purchase more credits or try again at 10:00 PM.",
    rate('2026-09-21T16:30:00.000Z'),
    { defaultTz: 'Asia/Kolkata' },
  ),
  row('Codex enterprise form "Try again at"', "You've hit your usage limit. Try again at 11:45 PM.", rate('2026-09-21T23:45:00.000Z')),
  row('Codex 12:05 AM is just after midnight', "You've hit your usage limit. Try again at 12:05 AM.", rate('2026-09-22T00:05:00.000Z')),
  row('Codex 12:30 PM is half past noon', "You've hit your usage limit. Try again at 12:30 PM.", rate('2026-09-21T12:30:00.000Z')),
  row('Codex lower-case pm', "You've hit your usage limit. Try again at 7:51 pm.", rate('2026-09-21T19:51:00.000Z')),

  // Codex CLI: date with year and ordinal suffix.
  row(
    'Codex Sep 23rd, 2026 7:09 AM in America/New_York',
    "You've hit your usage limit. Upgrade to Pro (https://openai.com/chatgpt/pricing), visit https://chatgpt.com/codex/settings/usage to purchase more credits or try again at Sep 23rd, 2026 7:09 AM.",
    rate('2026-09-23T11:09:00.000Z'),
    { tz: 'America/New_York' },
  ),
  row('Codex Sep 22nd, 2026 1:47 AM in Asia/Tokyo', "You've hit your usage limit for GPT-5.3-Codex-Spark. Switch to another model now, or try again at Sep 22nd, 2026 1:47 AM.", rate('2026-09-21T16:47:00.000Z'), {
    tz: 'Asia/Tokyo',
  }),
  row('Codex Sep 26th, 2026 12:25 PM', "You've hit your usage limit. Try again at Sep 26th, 2026 12:25 PM.", rate('2026-09-26T12:25:00.000Z')),
  row('Codex app form "Sep 24, 2026, 11:12 AM"', "You've hit your usage limit. Upgrade your plan or add credits to continue, or try again at Sep 24, 2026, 11:12 AM.", rate('2026-09-24T11:12:00.000Z')),
  row('Codex Sep 11th, 2026 is in the past', "You've hit your usage limit. Upgrade to Plus to continue using Codex (https://chatgpt.com/explore/plus), or try again at Sep 11th, 2026 7:09 AM.", rate(null)),
  row('Codex Oct 1st, 2026 is beyond 7 days', "You've hit your usage limit. Visit https://chatgpt.com/codex/settings/usage to purchase more credits or try again at Oct 1st, 2026 3:14 PM.", rate(null)),

  // Codex CLI: older relative form, and no time.
  row('Codex try again in 4 days 6 hours 37 minutes', "■ You've hit your usage limit. Upgrade to Pro (https://openai.com/chatgpt/pricing) or try again in 4 days 6 hours 37 minutes.", rate('2026-09-25T17:07:00.000Z')),
  row('Codex try again in 5 days 22 hours 11 minutes', "■ You've hit your usage limit. Upgrade to Pro (https://openai.com/chatgpt/pricing) or try again in 5 days 22 hours 11 minutes.", rate('2026-09-27T08:41:00.000Z')),
  row('Codex "Try again in 4 days 20 hours 9 minutes."', "You've hit your usage limit. Try again in 4 days 20 hours 9 minutes.", rate('2026-09-26T06:39:00.000Z')),
  row('Codex try again in 1 hour and 5 minutes', "You've hit your usage limit. Upgrade to Pro (https://openai.com/chatgpt/pricing) or try again in 1 hour and 5 minutes.", rate('2026-09-21T11:35:00.000Z')),
  row('Codex singular units: 1 day 1 hour 1 minute', "You've hit your usage limit. Try again in 1 day 1 hour 1 minute.", rate('2026-09-22T11:31:00.000Z')),
  row('Codex minutes only', "You've hit your usage limit. Try again in 45 minutes.", rate('2026-09-21T11:15:00.000Z')),
  row('Codex duration beyond 7 days', "You've hit your usage limit. Try again in 8 days 2 hours 1 minute.", rate(null)),
  row('Codex "Try again later." has no time', "You've hit your usage limit. Try again later.", rate(null)),
  row('Codex plus plan "or try again later."', "You've hit your usage limit. Upgrade to Pro (https://openai.com/chatgpt/pricing), visit https://chatgpt.com/codex/settings/usage to purchase more credits or try again later.", rate(null)),
  row('Codex free plan: no time at all', "You've hit your usage limit. Upgrade to Plus to continue using Codex (https://openai.com/chatgpt/pricing).", rate(null)),
  row('Codex quota exceeded is billing', 'Quota exceeded. Check your plan and billing details.', billing()),
  row('Codex quota exceeded, with the turn marker', '■ Quota exceeded. Check your plan and billing details.', billing()),

  // Codex backend body (usage_limit_reached).
  row('Codex usage_limit_reached body as text (resets_at)', JSON.stringify(codexUsageLimit), rate('2026-09-21T13:00:00.000Z')),
  row('Codex usage_limit_reached body as object (resets_at)', codexUsageLimit, rate('2026-09-21T13:00:00.000Z')),
  row('Codex usage_limit_reached body, resets_in_seconds only', codexUsageLimitFree, rate(after(602705 * S))),

  // Gemini CLI / API.
  row('Gemini "Please retry in 34.074824224s"', 'Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 10\nPlease retry in 34.074824224s.', rate(after(34074)), { within: 1 }),
  row('Gemini CLI "Suggested retry after 60s."', 'Resource has been exhausted (e.g. check quota).\nSuggested retry after 60s.', rate(after(60 * S))),
  row('Gemini CLI per-minute form', "Quota exceeded for quota metric 'Generate Content API requests per minute' and limit 'GenerateContent request limit per minute for a region' of service 'aiplatform.googleapis.com'.\nSuggested retry after 60s.", rate(after(60 * S))),
  row('Gemini RetryInfo 900ms, body as object', vertexExhausted('900ms'), rate(after(900))),
  row('Gemini RetryInfo 34.074824224s, body as text', JSON.stringify(vertexExhausted('34.074824224s')), rate(after(34074)), { within: 1 }),
  row('Gemini free-tier body as pretty text (message 53.016s, RetryInfo 53s)', JSON.stringify(geminiFreeTier, null, 2), rate(after(53016)), { within: 1000 }),
  row('Gemini tokens-per-minute body as object (RetryInfo 26s)', geminiTokensPerMinute, rate(after(26 * S))),
  row('Gemini body after an SDK prefix', `got status: 429 Too Many Requests. ${JSON.stringify(geminiTokensPerMinute)}`, rate(after(26 * S))),
  row('Gemini daily quota: next midnight Pacific', 'TerminalQuotaError: You have exhausted your daily quota on this model.', rate('2026-09-22T07:00:00.000Z')),
  row('Gemini daily quota ignores the reporter tz', 'You have exhausted your daily quota on this model.', rate('2026-09-22T07:00:00.000Z'), { tz: 'Asia/Tokyo', defaultTz: 'Europe/Berlin' }),
  row('Gemini capacity, "Your quota will reset after 2h52m39s."', 'You have exhausted your capacity on this model. Your quota will reset after 2h52m39s.', rate('2026-09-21T13:22:39.000Z')),

  // OpenAI API.
  row('OpenAI TPM body as text, 1.146s', JSON.stringify(openaiRate('tokens per min (TPM)', '1.146s')), rate(after(1146)), { within: 1 }),
  row('OpenAI RPM body as object, 20s', openaiRate('requests per min (RPM)', '20s'), rate(after(20 * S))),
  row('OpenAI TPM line, 84ms', '429 Rate limit reached for gpt-4o in organization org-Qx7vLr2mTb9aWk3NpZc1YdEe on tokens per min (TPM): Limit 30000, Used 29937, Requested 385. Please try again in 84ms.', rate(after(84))),
  row('OpenAI RPD body as object, 7m12s', openaiRate('requests per day (RPD)', '7m12s'), rate(after(7 * MIN + 12 * S))),
  row('OpenAI TPD body as text, 1m30s', JSON.stringify(openaiRate('tokens per day (TPD)', '1m30s')), rate(after(90 * S))),
  row('OpenAI SDK error line, 18.642s', 'RateLimitError: 429 Rate limit reached for gpt-4o-mini in organization org-Qx7vLr2mTb9aWk3NpZc1YdEe on tokens per min (TPM): Limit 200000, Used 191584, Requested 45490. Please try again in 18.642s. Visit https://platform.openai.com/account/rate-limits to learn more.', rate(after(18642)), { within: 1 }),
  row('OpenAI 2023 wording, 6ms', 'Rate limit reached for 10KTPM-200RPM in organization org-Qx7vLr2mTb9aWk3NpZc1YdEe on tokens per min. Limit: 10000 / min. Please try again in 6ms. Contact us through our help center at help.openai.com if you continue to have issues.', rate(after(6))),
  row('OpenAI insufficient_quota body as text', JSON.stringify(openaiQuota), billing()),
  row('OpenAI insufficient_quota body as object', openaiQuota, billing()),
  row('OpenAI insufficient_quota, client line', 'Error: insufficient_quota: You exceeded your current quota, please check your plan and billing details.', billing()),

  // Anthropic API.
  row('Anthropic rate_limit_error body as text', JSON.stringify(anthropicRateLimit), rate(null)),
  row('Anthropic rate_limit_error body as object', anthropicRateLimit, rate(null)),
  row('Anthropic rate_limit_error after "API Error: 429"', `API Error: 429 ${JSON.stringify(anthropicRateLimit)}`, rate(null)),
  row('Anthropic organization rate limit, object', anthropicOrgRateLimit, rate(null)),
  row('Anthropic credit balance body as object', anthropicCredit, billing()),
  row('Anthropic credit balance after "API Error: 400"', `API Error: 400 ${JSON.stringify(anthropicCredit)}`, billing()),

  // Not limits.
  row('warning: used 90% of session limit', "You've used 90% of your session limit · resets 3pm", NONE),
  row('warning: used 98%, with zone and upgrade hint', "You've used 98% of your session limit · resets 8:40pm (Europe/Berlin) · /upgrade to keep using Claude Code", NONE),
  row('warning: weekly 80%', "You've used 80% of your weekly limit · resets Mon 12:00am", NONE),
  row('warning: footer line with shortcuts hint', "? for shortcuts · ← for agents          You've used 98% of your session limit · resets 8:40pm (Europe/Berlin)", NONE),
  row('warning: claude.ai approaching notice', 'Approaching 5-hour limit', NONE),
  row('switch to usage credits', "You're now using usage credits", NONE),
  row('switch to usage credits, short form', 'Now using usage credits', NONE),
  row('switch to extra usage', "You're now using extra usage", NONE),
  row('server-side throttle is not the usage limit', 'API Error: Server is temporarily limiting requests (not your usage limit) · Rate limited', NONE),
  row('server-side throttle, wrapped over two lines', 'API Error: Server is temporarily limiting requests (not your usage\n     limit) · Rate limited', NONE),
  row('repeated 529', 'API Error: Repeated 529 Overloaded errors', NONE),
  row('529 with "try again in a moment"', 'API Error: 529 Overloaded. This is a server-side issue, usually temporary — try again in a moment. If it persists, check https://status.claude.com/.', NONE),
  row('529 retry countdown', `  ⎿  529 ${JSON.stringify(anthropicOverloaded)}\n     Retrying in 19 seconds… (attempt 10/10)`, NONE),
  row('overloaded_error body as object', anthropicOverloaded, NONE),
  row('overloaded_error body as text', JSON.stringify(anthropicOverloaded), NONE),
  row('context limit reached', 'Context limit reached · /compact or /clear to continue', NONE),
  row('context limit reached under the gutter', '⎿  Read .claude/workflows/help.md (610 lines)\n⎿  Context limit reached · /compact or /clear to continue', NONE),
  row('API context-limit error body', `API Error: 400 ${JSON.stringify(anthropicContext)}`, NONE),
  row('OpenAI request too large body as object (code rate_limit_exceeded)', openaiTooLarge, NONE),
  row('OpenAI request too large body as text', JSON.stringify(openaiTooLarge), NONE),
  row('OpenAI request too large, SDK line', `429 ${openaiTooLarge.error.message}`, NONE),
  row('ordinary agent output', 'The refactor is complete; 12 tests pass.', NONE),
  row('prose mentioning a session limit', 'We were discussing the session limit feature in the meeting.', NONE),
  row('empty text', '', NONE),
  row('unrelated JSON object', { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'done' }] }, NONE),

  // Blocks of terminal output.
  row(
    'CC block: limit line among other output',
    "❯ continue\nYou've hit your session limit · resets 10:30pm (Europe/Berlin)\n/login to switch to an API usage-billed account.\n\n✻ Cogitated for 0s\n",
    rate('2026-09-21T20:30:00.000Z'),
    { excerptHas: 'hit your session limit' },
  ),
  row('CC block: limit under its gutter', "thinking...\n  ⎿  You've hit your session limit · resets 5pm (Australia/Brisbane)\n\n", rate('2026-09-22T07:00:00.000Z')),
  row(
    'CC block: old weekly notice with upgrade hint',
    '  ⎿  Weekly limit reached · resets 10am (Asia/Seoul) · /upgrade to Max or turn on /extra-usage\n     /upgrade to increase your usage limit.',
    rate('2026-09-22T01:00:00.000Z'),
  ),
  row(
    'Codex block: exec header then the error',
    "OpenAI Codex v0.125.0 (research preview)\n--------\nworkdir: /srv/app\nmodel: gpt-5.5\nprovider: openai\napproval: never\nsandbox: workspace-write\n--------\nuser\nrun the tests\nERROR: You've hit your usage limit. Visit https://chatgpt.com/codex/settings/usage to purchase more credits or try again at 3:45 PM.\n",
    rate('2026-09-21T13:45:00.000Z'),
    { tz: 'Europe/Berlin', excerptHas: 'usage limit' },
  ),
  row(
    'Gemini CLI block: capacity reset after a Go duration',
    'Loaded cached credentials.\nError when talking to Gemini API Full report available at: /tmp/gemini-client-error-Turn.run-sendMessageStream-2026-09-21T10-30-00-000Z.json\n[API Error: You have exhausted your capacity on this model. Your quota will reset after 2h36m24s.]\nAn unexpected critical error occurred:[object Object]',
    rate('2026-09-21T13:06:24.000Z'),
  ),
  row('Gemini CLI block: daily quota in a log', 'May 16 04:01:34 host briefing[3322528]: TerminalQuotaError: You have exhausted your daily quota on this model.\nMay 16 04:01:35 host briefing[3322528]: falling back to flash', rate('2026-09-22T07:00:00.000Z')),

  // Warning and real limit in one block: the real limit wins.
  row(
    'block: warning, then the limit (same reset)',
    "You've used 93% of your session limit · resets 1:40pm (Europe/Paris)\n\n✻ Worked for 8s\n\n❯ next step\nYou've hit your session limit · resets 1:40pm (Europe/Paris)\n",
    rate('2026-09-21T11:40:00.000Z'),
    { excerptHas: 'hit your session limit' },
  ),
  row(
    'block: session warning, then a weekly limit',
    "You've used 90% of your session limit · resets 3pm\n❯ keep going\nYou've hit your weekly limit · resets Thu 9am\n",
    rate('2026-09-24T09:00:00.000Z'),
    { excerptHas: 'hit your weekly limit' },
  ),
  row(
    'block: limit, then a footer warning',
    "You've hit your session limit · resets 2:30pm (Pacific/Auckland)\n╭──────────────────────────────╮\n│ >                            │\n╰──────────────────────────────╯\n  ? for shortcuts          You've used 95% of your session limit · resets 4pm (Pacific/Auckland)",
    rate('2026-09-22T02:30:00.000Z'),
    { excerptHas: 'hit your session limit' },
  ),

  // Across a DST change (NOW shortly before it, clock time after it).
  row('DST America/New_York fall back: 3:15am EST', "You've hit your session limit · resets 3:15am (America/New_York)", rate('2026-11-01T08:15:00.000Z'), { now: Date.UTC(2026, 10, 1, 4, 30) }),
  row('DST Europe/Berlin fall back: 4am CET', "You've hit your session limit · resets 4am (Europe/Berlin)", rate('2026-10-25T03:00:00.000Z'), { now: Date.UTC(2026, 9, 25, 0, 0) }),
  row('DST America/Los_Angeles spring forward: Codex 11:00 AM PDT', "You've hit your usage limit. Try again at 11:00 AM.", rate('2026-03-08T18:00:00.000Z'), { now: Date.UTC(2026, 2, 8, 9, 0), tz: 'America/Los_Angeles' }),
  row('DST Europe/London: weekday after the change (Mon 9am GMT)', "You've hit your weekly limit · resets Mon 9am (Europe/London)", rate('2026-10-26T09:00:00.000Z'), { now: Date.UTC(2026, 9, 23, 12, 0) }),
  row('DST Pacific/Auckland spring forward: 9am NZDT', "You've hit your session limit · resets 9am (Pacific/Auckland)", rate('2026-09-26T20:00:00.000Z'), { now: Date.UTC(2026, 8, 26, 12, 0) }),
  row('DST Gemini daily quota: midnight PST after fall back', 'You have exhausted your daily quota on this model.', rate('2026-11-02T08:00:00.000Z'), { now: Date.UTC(2026, 10, 1, 8, 30) }),
];

// ------------------------------------------------------------------ helpers
const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Every string leaf of a JSON value. */
function stringLeaves(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringLeaves(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) stringLeaves(v, out);
  return out;
}

/** The input text, plus the decoded strings of any JSON body in it. */
function textsOf(input: string): string[] {
  const texts = [input];
  const start = input.indexOf('{');
  const end = input.lastIndexOf('}');
  if (start >= 0 && end > start) {
    try {
      texts.push(...stringLeaves(JSON.parse(input.slice(start, end + 1))));
    } catch {
      // not a JSON body
    }
  }
  return texts.map(collapse);
}

function checkExcerpt(excerpt: string, input: unknown, has?: string): void {
  expect(typeof excerpt).toBe('string');
  expect(excerpt.trim().length).toBeGreaterThan(0);
  expect(excerpt.length).toBeLessThanOrEqual(200);
  if (typeof input === 'string') {
    const needle = collapse(excerpt);
    expect(textsOf(input).some((t) => t.includes(needle)), `excerpt ${JSON.stringify(excerpt)} is not part of the input`).toBe(true);
  }
  if (has !== undefined) expect(excerpt).toContain(has);
}

// ---------------------------------------------------------------- the table
describe('parseLimit: real-world corpus', () => {
  it('NOW is Monday 2026-09-21T10:30:00Z', () => {
    expect(new Date(NOW).getUTCDay()).toBe(1);
    expect(ROWS.length).toBeGreaterThanOrEqual(90);
  });

  it.each(ROWS)('$name', ({ input, expected, tz, defaultTz, now, within, excerptHas }) => {
    const reading = parseLimit(input, { now: now ?? NOW, tz, defaultTz: defaultTz ?? 'UTC' });
    expect(reading.limit).toBe(expected.limit);
    if (!reading.limit || !expected.limit) return;
    expect(reading.reason).toBe(expected.reason);
    if (expected.recoveryAt === null) {
      expect(reading.recoveryAt).toBeNull();
    } else {
      expect(reading.recoveryAt).not.toBeNull();
      const got = reading.recoveryAt ?? Number.NaN;
      if (within === undefined) expect(new Date(got).toISOString()).toBe(expected.recoveryAt);
      else expect(Math.abs(got - Date.parse(expected.recoveryAt))).toBeLessThanOrEqual(within);
    }
    checkExcerpt(reading.excerpt, input, excerptHas);
  });
});

// --------------------------------------------------------------- properties
const ZONES = [undefined, 'UTC', 'America/New_York', 'America/Los_Angeles', 'Europe/Berlin', 'Asia/Kolkata', 'Pacific/Auckland', 'Etc/GMT+5', 'Etc/GMT-8'] as const;
const SANE_NOW = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) });
const REAL_LINES = ROWS.map((r) => r.input).filter((i): i is string => typeof i === 'string');

function checkBounds(reading: ReturnType<typeof parseLimit>, now: number): void {
  expect(typeof reading.limit).toBe('boolean');
  if (!reading.limit) return;
  expect(['rate_limit', 'billing']).toContain(reading.reason);
  expect(typeof reading.excerpt).toBe('string');
  expect(reading.excerpt.length).toBeGreaterThan(0);
  expect(reading.excerpt.length).toBeLessThanOrEqual(200);
  if (reading.recoveryAt !== null) {
    expect(Number.isFinite(reading.recoveryAt)).toBe(true);
    expect(reading.recoveryAt).toBeGreaterThanOrEqual(now);
    expect(reading.recoveryAt).toBeLessThanOrEqual(now + HORIZON);
  }
}

describe('parseLimit: never throws, never leaves the horizon', () => {
  const input = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary' }),
    fc.jsonValue(),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.tuple(fc.string(), fc.constantFrom(...REAL_LINES), fc.string()).map(([a, line, b]) => `${a}${line}${b}`),
    fc.constantFrom<unknown>(undefined, null, 0, -1, Number.NaN, true, [], {}),
  );

  it('for any text or JSON value, any now and zone', () => {
    fc.assert(
      fc.property(input, SANE_NOW, fc.constantFrom(...ZONES), (value, now, tz) => {
        checkBounds(parseLimit(value, { now, tz, defaultTz: 'UTC' }), now);
      }),
      { numRuns: 300 },
    );
  });

  it('for real limit lines at any now (times that fall outside become null)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...REAL_LINES), SANE_NOW, fc.constantFrom(...ZONES), (line, now, tz) => {
        checkBounds(parseLimit(line, { now, tz, defaultTz: 'Europe/Berlin' }), now);
      }),
      { numRuns: 300 },
    );
  });
});

// An independent wall-clock → UTC conversion through Intl, for the grammar properties.
const formatters = new Map<string, Intl.DateTimeFormat>();
function offsetMs(t: number, zone: string): number {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(t))) p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return wall - Math.floor(t / 1000) * 1000;
}

/** The one instant that shows `wall` (wall clock encoded as UTC ms) in `zone`; null in a DST gap or overlap. */
function wallToUtc(wall: number, zone: string): number | null {
  const offsets = new Set([offsetMs(wall - 12 * HOUR, zone), offsetMs(wall + 12 * HOUR, zone)]);
  const hits = [...offsets].map((o) => wall - o).filter((t) => t + offsetMs(t, zone) === wall);
  return hits.length === 1 ? (hits[0] ?? null) : null;
}

/** The next instant after `now` at h:m on the wall clock of `zone`; null if ambiguous. */
function nextWallTime(now: number, zone: string, h: number, m: number): number | null {
  const today = new Date(now + offsetMs(now, zone));
  for (let k = 0; k <= 2; k++) {
    const t = wallToUtc(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + k, h, m), zone);
    if (t === null) return null;
    if (t > now) return t;
  }
  return null;
}

describe('parseLimit: generated texts against an independent computation', () => {
  const CLOCK_ZONES = ['UTC', 'Asia/Dhaka', 'Asia/Kolkata', 'Asia/Tokyo', 'America/Bogota', 'America/New_York', 'Europe/Berlin', 'Australia/Sydney', 'Pacific/Auckland', 'Etc/GMT+5', 'Etc/GMT-8'];

  it("You've hit your limit · resets H[:MM]am (Zone)", () => {
    fc.assert(
      fc.property(
        SANE_NOW,
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 59 }),
        fc.constantFrom('am', 'pm', 'AM', 'PM'),
        fc.boolean(),
        fc.constantFrom(...CLOCK_ZONES),
        fc.constantFrom(...ZONES),
        (now, hour12, minute, meridiem, showMinutes, zone, tz) => {
          const clock = minute === 0 && !showMinutes ? `${hour12}${meridiem}` : `${hour12}:${String(minute).padStart(2, '0')}${meridiem}`;
          const h = (hour12 % 12) + (meridiem.toLowerCase() === 'pm' ? 12 : 0);
          const expected = nextWallTime(now, zone, h, minute);
          fc.pre(expected !== null);
          const reading = parseLimit(`You've hit your limit · resets ${clock} (${zone})`, { now, tz, defaultTz: 'UTC' });
          expect(reading).toMatchObject({ limit: true, reason: 'rate_limit', recoveryAt: expected });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('try again in N days H hours M minutes', () => {
    const unit = (n: number, word: string) => (n === 0 ? [] : [`${n} ${word}${n === 1 ? '' : 's'}`]);
    fc.assert(
      fc.property(SANE_NOW, fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), (now, d, h, m) => {
        fc.pre(d + h + m > 0);
        const duration = [...unit(d, 'day'), ...unit(h, 'hour'), ...unit(m, 'minute')].join(' ');
        const text = `■ You've hit your usage limit. Upgrade to Pro (https://openai.com/chatgpt/pricing) or try again in ${duration}.`;
        const reading = parseLimit(text, { now, defaultTz: 'UTC' });
        expect(reading).toMatchObject({ limit: true, reason: 'rate_limit', recoveryAt: now + d * DAY + h * HOUR + m * MIN });
      }),
      { numRuns: 300 },
    );
  });

  it('OpenAI "Please try again in" with Go-style and decimal durations', () => {
    const delay = fc.oneof(
      fc.integer({ min: 1, max: 999 }).map((ms) => ({ text: `${ms}ms`, ms })),
      fc.tuple(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 999 })).map(([s, frac]) => ({ text: `${s}.${String(frac).padStart(3, '0')}s`, ms: s * S + frac })),
      fc.tuple(fc.integer({ min: 1, max: 59 }), fc.integer({ min: 0, max: 59 })).map(([m, s]) => ({ text: `${m}m${s}s`, ms: m * MIN + s * S })),
      fc.tuple(fc.integer({ min: 1, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 })).map(([h, m, s]) => ({ text: `${h}h${m}m${s}s`, ms: h * HOUR + m * MIN + s * S })),
    );
    fc.assert(
      fc.property(SANE_NOW, delay, fc.boolean(), (now, { text, ms }, asObject) => {
        const body = openaiRate('tokens per min (TPM)', text);
        const reading = parseLimit(asObject ? body : JSON.stringify(body), { now, defaultTz: 'UTC' });
        expect(reading.limit).toBe(true);
        if (!reading.limit) return;
        expect(reading.reason).toBe('rate_limit');
        expect(Math.abs((reading.recoveryAt ?? Number.NaN) - (now + ms))).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });
});
