import type { Agent } from '../../shared/agent';
import type { FleetApi, FleetSettings, Result } from '../../shared/fleet-api';

export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

export function makeAgent(id: string, overrides: Partial<Agent> = {}): Agent {
  return {
    id,
    name: null,
    labels: {},
    status: 'idle',
    statusSince: T0,
    lastHeartbeat: T0,
    exhaustedAt: null,
    recoveryAt: null,
    exhaustReason: null,
    createdAt: T0,
    recoverySource: null,
    exhaustExcerpt: null,
    usage: {},
    waiting: null,
    lastSeen: overrides.lastHeartbeat ?? T0,
    ...overrides,
  };
}

const settings: FleetSettings = {
  url: 'http://127.0.0.1:7421',
  port: 7421,
  agentToken: 'agent-token',
  operatorToken: 'operator-token',
  heartbeatTimeoutS: 120,
  sweepIntervalMs: 1000,
  defaultRecoveryS: 18_000,
  limits: { maxAgents: 100_000, maxStreams: 64, historyPerAgent: 1_000, historyDays: 90, forgetOfflineDays: 30, maxRecoveryS: 604_800 },
  notifications: null,
};

type Calls = { [K in keyof FleetApi]-?: unknown[][] };

/** A FleetApi whose answers the test sets, recording every call. */
export function fakeApi(answers: Partial<{ [K in keyof FleetApi]: FleetApi[K] }> = {}): FleetApi & { calls: Calls } {
  const calls = { listAgentsPage: [], bulkRecover: [], bulkExhaust: [], getAgent: [], history: [], forceExhaust: [], recover: [], forget: [], getSettings: [], setNotifications: [], newSignInLink: [], onAgentsChanged: [], listAlertChannels: [], createAlertChannel: [], deleteAlertChannel: [], testAlertChannel: [], listAlertRules: [], createAlertRule: [], deleteAlertRule: [], listAlertDeliveries: [] } as Calls;
  const ok = <T,>(value: T): Promise<Result<T>> => Promise.resolve({ ok: true, value });
  const notFound = (what: string) => Promise.resolve({ ok: false as const, error: { code: 'not_found' as const, message: `${what} not found` } });
  const record =
    <K extends keyof FleetApi>(name: K, fallback: FleetApi[K]) =>
    ((...args: unknown[]) => {
      calls[name].push(args);
      return ((answers[name] ?? fallback) as (...a: unknown[]) => unknown)(...args);
    }) as FleetApi[K];
  return {
    calls,
    listAgentsPage: record('listAgentsPage', () => ok({ agents: [], nextCursor: null })),
    getAgent: record('getAgent', (id) => ok(makeAgent(id))),
    history: record('history', () => ok([])),
    forceExhaust: record('forceExhaust', (r) => ok(makeAgent(r.id, { status: 'exhausted', exhaustReason: r.reason, recoveryAt: r.recoveryAt ?? null }))),
    recover: record('recover', (id) => ok(makeAgent(id))),
    bulkRecover: record('bulkRecover', (ids) => ok(ids.map((id) => ({ id, ok: true as const, agent: makeAgent(id) })))),
    bulkExhaust: record('bulkExhaust', (r) => ok(r.ids.map((id) => ({ id, ok: true as const, agent: makeAgent(id, { status: 'exhausted', exhaustReason: r.reason }) })))),
    forget: record('forget', (id) => ok(makeAgent(id))),
    getSettings: record('getSettings', () => ok(settings)),
    setNotifications: record('setNotifications', () => ok(settings)),
    onAgentsChanged: record('onAgentsChanged', () => () => {}),
    // No alerts unless the test sets them (test/renderer/alert-fixtures.ts keeps a working set).
    listAlertChannels: record('listAlertChannels', () => ok([])),
    createAlertChannel: record('createAlertChannel', () => Promise.resolve({ ok: false, error: { code: 'internal', message: 'not set in this test' } })),
    deleteAlertChannel: record('deleteAlertChannel', (id) => notFound(`Channel '${id}'`)),
    testAlertChannel: record('testAlertChannel', (id) => notFound(`Channel '${id}'`)),
    listAlertRules: record('listAlertRules', () => ok([])),
    createAlertRule: record('createAlertRule', () => Promise.resolve({ ok: false, error: { code: 'internal', message: 'not set in this test' } })),
    deleteAlertRule: record('deleteAlertRule', (id) => notFound(`Rule '${id}'`)),
    listAlertDeliveries: record('listAlertDeliveries', () => ok([])),
    // Only the headless page's transport has it.
    ...(answers.newSignInLink ? { newSignInLink: record('newSignInLink', answers.newSignInLink) } : {}),
  };
}
