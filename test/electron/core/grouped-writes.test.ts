/**
 * Writes that arrive together share one transaction (FleetService.runGrouped,
 * which the port uses for every write): each commit a savepoint, one COMMIT
 * for all, and nothing announced or answered before it. A refused task rolls
 * back alone; a lost transaction fails every task that committed into it and
 * loses no heartbeat.
 */
import http from 'node:http';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidTransitionError } from '../../../shared/errors';
import { createFleet, type Fleet } from '../../support/fleet-fixture';
import { AGENT_TOKEN, startPortFixture, type PortFixture } from '../../support/port-fixture';

const row = (db: Fleet['db'], id: string) => db.prepare('SELECT status, last_heartbeat FROM agents WHERE id = ?').get(id) as { status: string; last_heartbeat: number } | undefined;

describe('FleetService.runGrouped', () => {
  let f: Fleet;
  /** A task that does what SQLite does on some errors (SQLITE_FULL, SQLITE_IOERR): rolls the whole transaction back, and fails. */
  const loseTheTransaction = (): never => {
    f.db.exec('ROLLBACK');
    throw new Error('disk I/O error');
  };
  beforeEach(() => {
    f = createFleet({ groupCommit: true });
  });
  afterEach(() => f.close());

  it('commits every task’s write in one transaction, announced once after the COMMIT; a refused task changes nothing else', () => {
    for (const id of ['a', 'b', 'c']) f.service.recordHeartbeat(id);
    f.service.reportExhausted('b', { reason: 'rate_limit' });
    f.batches.length = 0;
    const inTransactionWhenTold: boolean[] = [];
    f.service.onDidChange(() => inTransactionWhenTold.push(f.db.inTransaction));
    const outcomes = f.service.runGrouped([
      () => f.service.reportBusy('a', 'work'),
      () => f.service.reportBusy('b', 'work'), // exhausted: refused
      () => f.service.reportBusy('c', 'on_call'),
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(!outcomes[1]!.ok && outcomes[1]!.error).toBeInstanceOf(InvalidTransitionError);
    expect([row(f.db, 'a')?.status, row(f.db, 'b')?.status, row(f.db, 'c')?.status]).toEqual(['busy', 'exhausted', 'on_call']);
    expect(f.batches).toHaveLength(1);
    expect(f.batches[0]!.map((c) => (c.type === 'upsert' ? `${c.agent.id}:${c.agent.status}` : c.agentId))).toEqual(['a:busy', 'c:on_call']);
    expect(inTransactionWhenTold).toEqual([false]);
  });

  it('opens no transaction for tasks that commit nothing (plain heartbeats)', () => {
    f.service.recordHeartbeat('a');
    f.clock.advance(1_000);
    const inTransaction: boolean[] = [];
    const beat = () => {
      const agent = f.service.recordHeartbeat('a');
      inTransaction.push(f.db.inTransaction);
      return agent;
    };
    const outcomes = f.service.runGrouped([beat, beat]);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(inTransaction).toEqual([false, false]);
    expect(row(f.db, 'a')?.last_heartbeat).toBe(f.clock.now() - 1_000); // still pending
    f.timeouts.runAll();
    expect(row(f.db, 'a')?.last_heartbeat).toBe(f.clock.now());
  });

  it('a task whose commit fails rolls back its own savepoint only: the heartbeats it had written are written by the next', () => {
    for (const id of ['a', 'b']) f.service.recordHeartbeat(id);
    f.clock.advance(1_000);
    f.service.recordHeartbeat('b'); // pending
    const outcomes = f.service.runGrouped([
      () => f.service.recover('nobody'), // not found: thrown inside its commit, after it wrote b's beat
      () => f.service.reportBusy('a', 'work'),
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([false, true]);
    expect(row(f.db, 'a')?.status).toBe('busy');
    expect(row(f.db, 'b')?.last_heartbeat).toBe(f.clock.now());
  });

  it('a move later in the group sees the heartbeat an earlier task’s commit wrote (its usage and time are not rolled back)', () => {
    for (const id of ['x', 'y']) f.service.recordHeartbeat(id);
    f.clock.advance(1_000);
    const usage = { five_hour: { usedPercent: 40, resetsAt: null } };
    f.service.recordHeartbeat('x', { usage }); // answered at once, pending
    const outcomes = f.service.runGrouped([() => f.service.reportBusy('y', 'work'), () => f.service.reportBusy('x', 'work')]);
    const x = outcomes[1]!.ok ? (outcomes[1]!.value as { usage: unknown; lastHeartbeat: number }) : undefined;
    expect(x).toMatchObject({ usage, lastHeartbeat: f.clock.now() });
    const stored = f.db.prepare('SELECT usage, last_heartbeat FROM agents WHERE id = ?').get('x') as { usage: string; last_heartbeat: number };
    expect(JSON.parse(stored.usage)).toEqual(usage);
    expect(stored.last_heartbeat).toBe(f.clock.now());
  });

  it('a heartbeat inside the group’s open transaction commits as one of its writes, and fails with it: no ghost agent', () => {
    f.service.recordHeartbeat('y');
    f.clock.advance(1_000);
    const outcomes = f.service.runGrouped([
      () => f.service.reportBusy('y', 'work'),
      () => f.service.recordHeartbeat('ghost'), // a registration
      () => f.service.recordHeartbeat('ghost'), // a plain beat of what is not committed yet
      loseTheTransaction,
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([false, false, false, false]);
    expect(f.service.find('ghost')).toBeUndefined();
    expect(row(f.db, 'ghost')).toBeUndefined();
    f.batches.length = 0;
    f.timeouts.runAll();
    expect(row(f.db, 'ghost')).toBeUndefined();
    expect(f.batches.flat().filter((c) => c.type === 'upsert' && c.agent.id === 'ghost')).toEqual([]);
    // The next write registers it for real.
    expect(f.service.recordHeartbeat('ghost').status).toBe('idle');
    expect(row(f.db, 'ghost')?.status).toBe('idle');
  });

  it('a COMMIT that fails fails every task committed into it, announces nothing, and heartbeats commit before their reply until a write works', () => {
    for (const id of ['a', 'b']) f.service.recordHeartbeat(id);
    f.clock.advance(1_000);
    f.service.recordHeartbeat('b'); // pending
    const beatAt = f.clock.now();
    f.batches.length = 0;
    const outcomes = f.service.runGrouped([
      () => f.service.reportBusy('a', 'work'),
      () => {
        // A foreign key checked at COMMIT: this transaction cannot commit.
        f.db.pragma('defer_foreign_keys = ON');
        f.db.prepare("INSERT INTO status_events (agent_id, from_status, to_status, cause, at) VALUES ('nobody', 'idle', 'busy', 'agent', 0)").run();
        return f.service.reportBusy('b', 'work');
      },
    ]);
    expect(outcomes.map((o) => (o.ok ? 'ok' : (o.error as Error).message))).toEqual(['FOREIGN KEY constraint failed', 'FOREIGN KEY constraint failed']);
    expect(f.db.inTransaction).toBe(false);
    expect([row(f.db, 'a')?.status, row(f.db, 'b')?.status]).toEqual(['idle', 'idle']);
    expect(f.batches).toEqual([]);
    expect(f.service.find('a')?.status).toBe('idle');
    // b's beat is pending again; the next heartbeat commits at once (as after a failed group commit), writing both.
    f.clock.advance(1_000);
    f.service.recordHeartbeat('a');
    expect(row(f.db, 'a')?.last_heartbeat).toBe(f.clock.now());
    expect(row(f.db, 'b')?.last_heartbeat).toBe(beatAt);
  });

  it('a lost transaction fails every task committed into it, announces none of it, and keeps the heartbeats it had written pending', () => {
    for (const id of ['a', 'b', 'c']) f.service.recordHeartbeat(id);
    f.clock.advance(1_000);
    f.service.recordHeartbeat('a'); // pending: the next commit writes it
    const beatAt = f.clock.now();
    f.batches.length = 0;
    const outcomes = f.service.runGrouped([
      () => f.service.reportBusy('b', 'work'),
      loseTheTransaction,
      () => f.service.reportBusy('c', 'work'), // after the loss: a transaction of its own
    ]);
    expect(outcomes.map((o) => (o.ok ? 'ok' : (o.error as Error).message))).toEqual(['disk I/O error', 'disk I/O error', 'ok']);
    expect(row(f.db, 'b')?.status).toBe('idle');
    expect(row(f.db, 'c')?.status).toBe('busy');
    // a's beat was written by b's lost commit, then pending again: c's commit wrote it.
    expect(row(f.db, 'a')?.last_heartbeat).toBe(beatAt);
    expect(f.batches.flat().map((c) => (c.type === 'upsert' ? `${c.agent.id}:${c.agent.status}` : ''))).toEqual(['a:idle', 'c:busy']);
    expect(f.service.find('b')?.status).toBe('idle');
  });
});

describe('the port groups concurrent writes', () => {
  let p: PortFixture;
  beforeEach(async () => {
    p = await startPortFixture({ groupCommit: true });
  });
  afterEach(() => p.stop());

  /** The size of every batch the port hands to runGrouped, from now on. */
  function recordGroups(): number[] {
    const sizes: number[] = [];
    const runGrouped = p.service.runGrouped.bind(p.service);
    vi.spyOn(p.service, 'runGrouped').mockImplementation((tasks) => {
      sizes.push(tasks.length);
      return runGrouped(tasks);
    });
    return sizes;
  }

  /** `count` kept-alive connections, accepted by the port before anything is sent on them (as a fleet's are). */
  async function openConnections(count: number): Promise<net.Socket[]> {
    const sockets = await Promise.all(
      Array.from({ length: count }, () => new Promise<net.Socket>((resolve) => {
        const s = net.connect(p.port.port, '127.0.0.1', () => resolve(s));
      })),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    return sockets;
  }

  /** A JSON POST with the agent token, as bytes on the wire (ASCII bodies). */
  const rawPost = (path: string, body: string) =>
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${p.port.port}\r\nAuthorization: Bearer ${AGENT_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

  it('writes sent together commit together, and each is answered only once it is in the file', async () => {
    const groups = recordGroups();
    // What the database says at the moment each reply is written: nothing may be left uncommitted.
    const inTransactionAtReply: boolean[] = [];
    const writeHead = http.ServerResponse.prototype.writeHead;
    vi.spyOn(http.ServerResponse.prototype, 'writeHead').mockImplementation(function (this: http.ServerResponse, ...args: Parameters<typeof writeHead>) {
      inTransactionAtReply.push(p.db.inTransaction);
      return writeHead.apply(this, args);
    });
    const ids = Array.from({ length: 24 }, (_, i) => `w${i}`);
    // Connections opened first, then every request written in one go: the port reads them in one turn.
    const sockets = await openConnections(ids.length);
    const replies = ids.map(
      (id, i) =>
        new Promise<{ status: number; agentStatus: string; stored: string | undefined }>((resolve) => {
          let text = '';
          sockets[i]!.on('data', (chunk) => {
            text += chunk.toString();
            const end = text.indexOf('\r\n\r\n');
            const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? -1);
            if (end < 0 || text.length < end + 4 + length) return;
            resolve({ status: Number(text.slice(9, 12)), agentStatus: JSON.parse(text.slice(end + 4)).agent.status, stored: row(p.db, id)?.status });
            sockets[i]!.destroy();
          });
        }),
    );
    const body = '{"slot_type":"work"}';
    ids.forEach((id, i) =>
      sockets[i]!.write(rawPost(`/v1/agents/${id}/busy`, body)),
    );
    for (const reply of await Promise.all(replies)) {
      expect(reply).toEqual({ status: 200, agentStatus: 'busy', stored: 'busy' }); // in the file when the reply arrived
    }
    expect(inTransactionAtReply).toEqual(ids.map(() => false));
    expect(groups.reduce((a, b) => a + b, 0)).toBe(ids.length);
    expect(Math.max(...groups)).toBeGreaterThan(1);
  });
  it('a hook that comes down to a heartbeat is answered at once and group-committed; one that moves the agent joins the batch and commits first', async () => {
    const grouped = recordGroups();
    const event = (name: string, extra: Record<string, unknown> = {}) => ({ session_id: 's-1', hook_event_name: name, cwd: '/home/dev/payments', ...extra });
    const path = '/v1/hooks/claude-code?agent=cc-1';
    // First contact, then a prompt: both commit, through the batch.
    expect((await p.call({ method: 'POST', path, body: event('SessionStart', { source: 'startup' }) })).status).toBe(200);
    expect((await p.call({ method: 'POST', path, body: event('UserPromptSubmit', { prompt: 'fix it' }) })).status).toBe(200);
    expect(row(p.db, 'cc-1')?.status).toBe('busy');
    const batched = grouped.length;
    expect(batched).toBe(2);
    // A tool event of the busy session moves nothing: a heartbeat, answered at once.
    p.clock.advance(5_000);
    const tool = { tool_name: 'Read', tool_input: { file_path: '/home/dev/payments/a.ts' }, tool_response: {}, tool_use_id: 't1' };
    expect((await p.call({ method: 'POST', path, body: event('PostToolUse', tool) })).status).toBe(200);
    expect(grouped.length).toBe(batched);
    expect(row(p.db, 'cc-1')?.last_heartbeat).toBe(p.clock.now() - 5_000);
    p.timeouts.runAll();
    expect(row(p.db, 'cc-1')?.last_heartbeat).toBe(p.clock.now());
  });
  it('a write still queued keeps its place: what arrives after it in the same turn joins the batch behind it, never answered at once before it', async () => {
    const prompt = JSON.stringify({ session_id: 's-2', hook_event_name: 'UserPromptSubmit', cwd: '/home/dev/api', prompt: 'next' });
    const hook = { method: 'POST', path: '/v1/hooks/claude-code?agent=cc-2', headers: { 'content-type': 'application/json' } } as const;
    await p.call({ ...hook, body: JSON.parse(prompt) }); // registered, labelled and busy: a second prompt would be a plain heartbeat
    expect(row(p.db, 'cc-2')?.status).toBe('busy');
    const [first, second] = await openConnections(2);
    const answered = (socket: net.Socket) => new Promise<void>((resolve) => socket.once('data', () => resolve()));
    const replies = Promise.all([answered(first!), answered(second!)]);
    // The task ends (busy → idle), and the next prompt comes right behind it, in the same turn.
    first!.write(rawPost('/v1/agents/cc-2/idle', '{}'));
    second!.write(rawPost('/v1/hooks/claude-code?agent=cc-2', prompt));
    await replies;
    for (const socket of [first!, second!]) socket.destroy();
    // In arrival order: idle, then the prompt makes it busy again.
    expect(row(p.db, 'cc-2')?.status).toBe('busy');
  });
});
