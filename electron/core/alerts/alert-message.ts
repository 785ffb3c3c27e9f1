import { createHmac } from 'node:crypto';
import { NAMED_AGENTS, type AlertChannelKind, type AlertTrigger } from '../../../shared/alerts';
import type { AgentStatus } from '../../../shared/status';
import { toRfc3339, type WireAgent } from '../../../shared/wire';
import type { OutboxChange, OutboxTally } from './alert-store';

/** The most changes of one kind a message carries in full; the rest are counted (`total_changes`). */
export const CHANGES_PER_KIND = 100;

/** One change as an alert carries it. */
export interface AlertChangeJson {
  agent: WireAgent;
  from: AgentStatus;
  to: AgentStatus;
  /** The event's cause (agent, operator, sweeper, recovery), or `reminder` for a repeat. */
  cause: string;
  at: string;
  trigger: AlertTrigger;
}

/** The generic webhook body, and what every other kind is made from: the delivery's stored payload. */
export interface AlertPayload {
  type: 'fleet.alert';
  id: string;
  at: string;
  summary: string;
  /** The summary without names: "2 agents went offline" (titles). */
  headline: string;
  changes: AlertChangeJson[];
  /** All the changes the message is about; more than `changes` holds when a window had more than 100 of a kind. */
  total_changes: number;
  /** Set on a channel's test message. */
  test?: true;
}

/** What each kind of change is called, in the order a message tells them. */
const KINDS: readonly { trigger: AlertTrigger; reminder: boolean; one: string; many: string }[] = [
  { trigger: 'offline', reminder: false, one: 'went offline', many: 'went offline' },
  { trigger: 'exhausted', reminder: false, one: 'became exhausted', many: 'became exhausted' },
  { trigger: 'waiting', reminder: false, one: 'is waiting for you', many: 'are waiting for you' },
  { trigger: 'recovered', reminder: false, one: 'recovered', many: 'recovered' },
  { trigger: 'online', reminder: false, one: 'came back online', many: 'came back online' },
  { trigger: 'offline', reminder: true, one: 'is still offline', many: 'are still offline' },
  { trigger: 'exhausted', reminder: true, one: 'is still exhausted', many: 'are still exhausted' },
];

/** One part of a summary: "3 agents went offline", and the agents it names. */
export interface SummaryPart {
  readonly trigger: AlertTrigger;
  readonly reminder: boolean;
  /** "3 agents went offline". */
  readonly headline: string;
  readonly names: readonly string[];
  /** Agents of this part not named. */
  readonly more: number;
}

const agentsWord = (n: number) => `${n} ${n === 1 ? 'agent' : 'agents'}`;

/**
 * The parts of a message about `changes` (the first of each kind) and
 * `tally` (all of them): each kind's distinct agents counted, and up to 20
 * agents named across the whole message, the first to change first.
 */
export function summaryParts(changes: readonly OutboxChange[], tally: readonly OutboxTally[]): SummaryPart[] {
  let budget = NAMED_AGENTS;
  const parts: SummaryPart[] = [];
  for (const kind of KINDS) {
    const counted = tally.find((t) => t.trigger === kind.trigger && t.reminder === kind.reminder);
    if (!counted) continue;
    const names: string[] = [];
    const seen = new Set<string>();
    for (const change of changes) {
      if (change.trigger !== kind.trigger || (change.cause === 'reminder') !== kind.reminder || seen.has(change.agentId)) continue;
      seen.add(change.agentId);
      if (names.length < budget) names.push(displayName(change));
    }
    budget -= names.length;
    const n = counted.agents;
    parts.push({ trigger: kind.trigger, reminder: kind.reminder, headline: `${agentsWord(n)} ${n === 1 ? kind.one : kind.many}`, names, more: n - names.length });
  }
  return parts;
}

function displayName(change: OutboxChange): string {
  const agent = JSON.parse(change.agentJson) as WireAgent;
  return agent.name ?? agent.id;
}

/** "2 agents went offline: build-bot-1, build-bot-2; 1 agent became exhausted: coder". */
export function summaryText(parts: readonly SummaryPart[]): string {
  return parts
    .map((part) => {
      if (part.names.length === 0) return part.headline;
      return `${part.headline}: ${part.names.join(', ')}${part.more > 0 ? ` and ${part.more} more` : ''}`;
    })
    .join('; ');
}

/** The stored payload of a delivery made of a rule's window. */
export function alertPayload(id: string, at: number, changes: readonly OutboxChange[], tally: readonly OutboxTally[]): { payload: AlertPayload; parts: SummaryPart[] } {
  const parts = summaryParts(changes, tally);
  return {
    parts,
    payload: {
      type: 'fleet.alert',
      id,
      at: toRfc3339(at),
      summary: summaryText(parts),
      headline: parts.map((p) => p.headline).join('; '),
      changes: changes.map((c) => ({
        agent: JSON.parse(c.agentJson) as WireAgent,
        from: c.from,
        to: c.to,
        cause: c.cause,
        at: toRfc3339(c.at),
        trigger: c.trigger,
      })),
      total_changes: tally.reduce((sum, t) => sum + t.changes, 0),
    },
  };
}

/** A channel's test message: the alert's shape, no changes. */
export function testPayload(id: string, at: number, channelName: string): AlertPayload {
  return { type: 'fleet.alert', id, at: toRfc3339(at), summary: `Test alert from Fleet Monitor to channel "${channelName}"`, headline: 'Test alert', changes: [], total_changes: 0, test: true };
}

/** An HTTP request to a receiver, fully built: what is signed is exactly the body sent. */
export interface OutgoingRequest {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** `sha256=<hex HMAC-SHA256 of the raw body>`. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** "Fleet Monitor: 2 agents went offline". */
const title = (payload: AlertPayload) => `Fleet Monitor: ${payload.headline}`;

/** Slack's mrkdwn treats &, < and > as markup. */
const slackEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Discord's message content is at most 2,000 characters. */
const DISCORD_MAX = 2_000;

/** What ntfy should make of each kind: its priority and its tag (an emoji short code). */
function ntfyLook(payload: AlertPayload): { priority: string; tags: string } {
  const triggers = new Set(payload.changes.map((c) => c.trigger));
  if (payload.test) return { priority: 'default', tags: 'bell' };
  if (triggers.has('offline') || triggers.has('exhausted')) {
    return { priority: 'high', tags: [triggers.has('offline') && 'red_circle', triggers.has('exhausted') && 'hourglass'].filter(Boolean).join(',') };
  }
  if (triggers.has('waiting')) return { priority: 'high', tags: 'raising_hand' };
  return { priority: 'default', tags: 'white_check_mark' };
}

/**
 * A header value as ntfy reads it: plain when it is printable ASCII, else an
 * RFC 2047 encoded word (agent names may be in any script; HTTP headers are not).
 */
export function headerText(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/**
 * The request a channel of `kind` sends for a delivery: the generic JSON
 * (webhook), Slack's and Discord's incoming-webhook bodies, or ntfy's plain
 * message with its title, priority and tags in headers. Every kind carries
 * the delivery id, and, with a secret, the signature of the body.
 */
export function requestFor(kind: Exclude<AlertChannelKind, 'command'>, payload: AlertPayload, secret: string | null): OutgoingRequest {
  let body: string;
  const headers: Record<string, string> = { 'x-fleet-delivery': payload.id, 'user-agent': 'fleet-monitor' };
  switch (kind) {
    case 'webhook':
      body = JSON.stringify(payload);
      headers['content-type'] = 'application/json';
      break;
    case 'slack':
      body = JSON.stringify({ text: slackEscape(payload.summary) });
      headers['content-type'] = 'application/json';
      break;
    case 'discord': {
      const content = payload.summary.length > DISCORD_MAX ? `${payload.summary.slice(0, DISCORD_MAX - 1)}…` : payload.summary;
      // An agent's name must never ping @everyone.
      body = JSON.stringify({ content, username: 'Fleet Monitor', allowed_mentions: { parse: [] } });
      headers['content-type'] = 'application/json';
      break;
    }
    case 'ntfy': {
      const look = ntfyLook(payload);
      body = payload.summary;
      headers['content-type'] = 'text/plain; charset=utf-8';
      headers.title = headerText(title(payload));
      headers.priority = look.priority;
      headers.tags = look.tags;
      break;
    }
  }
  if (secret !== null) headers['x-fleet-signature'] = signature(secret, body);
  return { headers, body };
}
