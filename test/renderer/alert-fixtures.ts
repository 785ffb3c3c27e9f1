/**
 * Alerts held in memory behind the FleetApi's alert methods, for renderer
 * tests: what is created is listed, deleted goes (a channel with its rules),
 * and bodies are checked by the port's own schemas (through the same
 * toChannelBody/toRuleBody the transports send), so a test sees the real
 * main side's messages for bad input.
 */
import { toChannelBody, toRuleBody } from '../../shared/alert-bodies';
import { newChannelBodySchema, newRuleBodySchema } from '../../shared/alert-schemas';
import type { AlertChannel, AlertDelivery, AlertRule } from '../../shared/alerts';
import type { FleetApi, Result } from '../../shared/fleet-api';
import { describeIssue } from '../../shared/http-schemas';
import { T0 } from './fixtures';

type AlertMethods = Pick<
  FleetApi,
  'listAlertChannels' | 'createAlertChannel' | 'deleteAlertChannel' | 'testAlertChannel' | 'listAlertRules' | 'createAlertRule' | 'deleteAlertRule' | 'listAlertDeliveries'
>;

export interface MemoryAlerts {
  readonly answers: AlertMethods;
  channels: AlertChannel[];
  rules: AlertRule[];
  /** Newest first, as the main side lists them. */
  deliveries: AlertDelivery[];
  /** What the next "Send test" meets: the receiver took it, or this error. */
  testOutcome: { state: 'sent' } | { state: 'failed'; error: string };
}

const ok = <T>(value: T): Promise<Result<T>> => Promise.resolve({ ok: true, value });
const fail = (code: 'bad_request' | 'not_found', message: string) => Promise.resolve({ ok: false as const, error: { code, message } });

export function memoryAlerts(): MemoryAlerts {
  let next = 0;
  const newId = (prefix: string) => `${prefix}_${++next}`;
  const state: MemoryAlerts = {
    channels: [],
    rules: [],
    deliveries: [],
    testOutcome: { state: 'sent' },
    answers: {
      listAlertChannels: () => ok([...state.channels]),
      listAlertRules: () => ok([...state.rules]),
      listAlertDeliveries: (limit) => ok(state.deliveries.slice(0, limit)),
      createAlertChannel: (channel) => {
        const parsed = newChannelBodySchema.safeParse(toChannelBody(channel));
        if (!parsed.success) return fail('bad_request', describeIssue(parsed.error));
        const { name, kind, url, command, secret } = parsed.data;
        const created: AlertChannel = {
          id: newId('ch'),
          name,
          kind,
          url: url ?? null,
          command: command ?? null,
          hasSecret: secret !== undefined,
          enabled: true,
          disabledReason: null,
          createdAt: T0,
        };
        state.channels.push(created);
        return ok(created);
      },
      deleteAlertChannel: (id) => {
        const channel = state.channels.find((c) => c.id === id);
        if (!channel) return fail('not_found', `Alert channel '${id}' not found`);
        state.channels = state.channels.filter((c) => c.id !== id);
        state.rules = state.rules.filter((r) => r.channelId !== id);
        state.deliveries = state.deliveries.filter((d) => d.channelId !== id);
        return ok(channel);
      },
      testAlertChannel: (id) => {
        const channel = state.channels.find((c) => c.id === id);
        if (!channel) return fail('not_found', `Alert channel '${id}' not found`);
        const outcome = state.testOutcome;
        const delivery: AlertDelivery = {
          id: newId('dl'),
          channelId: id,
          ruleId: null,
          state: outcome.state,
          attempts: 1,
          lastError: outcome.state === 'failed' ? outcome.error : null,
          summary: `Test message from Fleet Monitor to ${channel.name}`,
          createdAt: T0,
          nextAttemptAt: null,
          sentAt: outcome.state === 'sent' ? T0 : null,
          test: true,
        };
        state.deliveries.unshift(delivery);
        return ok(delivery);
      },
      createAlertRule: (rule) => {
        const parsed = newRuleBodySchema.safeParse(toRuleBody(rule));
        if (!parsed.success) return fail('bad_request', describeIssue(parsed.error));
        const body = parsed.data;
        if (!state.channels.some((c) => c.id === body.channelId)) return fail('not_found', `Alert channel '${body.channelId}' not found`);
        const created: AlertRule = {
          id: newId('rl'),
          channelId: body.channelId,
          on: body.on,
          selector: body.selector ?? null,
          coalesceS: body.coalesceS ?? 10,
          repeatAfterS: body.repeatAfterS ?? null,
          createdAt: T0,
        };
        state.rules.push(created);
        return ok(created);
      },
      deleteAlertRule: (id) => {
        const rule = state.rules.find((r) => r.id === id);
        if (!rule) return fail('not_found', `Alert rule '${id}' not found`);
        state.rules = state.rules.filter((r) => r.id !== id);
        return ok(rule);
      },
    },
  };
  return state;
}
