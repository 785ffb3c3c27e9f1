/**
 * Requests pipelined on one keep-alive connection are judged in the order
 * they were sent, as their answers are: a request does not start until the
 * one before it on its connection is answered. Node hands the port a
 * pipelined request as soon as its head is parsed, so a request without a
 * body used to run before the one ahead of it had its body's end.
 * Requests waiting so hold memory and write nothing, so their number per
 * connection is bounded.
 */
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_WAITING_REQUESTS } from '../../../../electron/core/http/agent-port';
import { AGENT_TOKEN, OPERATOR_TOKEN, startPortFixture, type PortFixture } from '../../../support/port-fixture';

let f: PortFixture;
beforeEach(async () => {
  f = await startPortFixture({ groupCommit: true });
});
afterEach(() => f.stop());

const post = (path: string, body?: string) =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${f.port.port}\r\nAuthorization: Bearer ${AGENT_TOKEN}\r\n` +
  (body === undefined ? 'Content-Length: 0\r\n\r\n' : `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);

/** Sends `requests` in one write on one connection; the `expected` answers' status lines and bodies, in order. */
async function pipeline(requests: string[], expected: number): Promise<{ status: number; json: { agent?: { status: string }; error?: { code: string } } }[]> {
  const socket = net.connect(f.port.port, '127.0.0.1');
  socket.on('error', () => {});
  await once(socket, 'connect');
  socket.write(requests.join(''));
  let raw = '';
  const answers: { status: number; json: never }[] = [];
  await new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
      // Each answer: a head, then a Content-Length body.
      for (;;) {
        const end = raw.indexOf('\r\n\r\n');
        if (end < 0) break;
        const length = Number(/content-length: (\d+)/i.exec(raw.slice(0, end))?.[1] ?? 0);
        if (raw.length < end + 4 + length) break;
        answers.push({ status: Number(raw.slice(9, 12)), json: JSON.parse(raw.slice(end + 4, end + 4 + length) || '{}') as never });
        raw = raw.slice(end + 4 + length);
      }
      if (answers.length >= expected) resolve();
    });
  });
  socket.destroy();
  return answers;
}

describe('pipelined requests on one connection', () => {
  it('are judged in the order they were sent, a body-less one after the body ahead of it', async () => {
    await f.call({ method: 'POST', path: '/v1/agents/p1/heartbeat' });
    const answers = await pipeline([post('/v1/agents/p1/busy', '{"slot_type":"work"}'), post('/v1/agents/p1/heartbeat'), post('/v1/agents/p1/idle')], 3);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.map((a) => a.json.agent?.status)).toEqual(['busy', 'busy', 'idle']);
    // Newest first: the idle after the busy, each recorded once.
    expect(f.service.history('p1').map((e) => `${e.from}→${e.to}`)).toEqual(['busy→idle', 'idle→busy']);
  });

  it('a refused request does not stop the ones after it', async () => {
    const answers = await pipeline([post('/v1/agents/p2/busy', '{"slot_type":"night"}'), post('/v1/agents/p2/heartbeat'), post('/v1/agents/p2/busy', '{"slot_type":"work"}')], 3);
    expect(answers.map((a) => a.status)).toEqual([400, 200, 200]);
    expect(answers.map((a) => a.json.agent?.status ?? a.json.error?.code)).toEqual(['bad_request', 'idle', 'busy']);
  });

  it(`at most ${MAX_WAITING_REQUESTS} may wait on one connection (here behind an event stream, which is never answered); one more closes it`, async () => {
    const stream = `GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1:${f.port.port}\r\nAuthorization: Bearer ${OPERATOR_TOKEN}\r\n\r\n`;
    const open = async (waiting: number) => {
      const socket = net.connect(f.port.port, '127.0.0.1');
      socket.on('error', () => {});
      await once(socket, 'connect');
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
      socket.write(stream + Array.from({ length: waiting }, (_, i) => post(`/v1/agents/w-${i}/heartbeat`)).join(''));
      return { socket, received: () => received };
    };
    const full = await open(MAX_WAITING_REQUESTS);
    const over = await open(MAX_WAITING_REQUESTS + 1);
    await once(over.socket, 'close');
    // The connection at the bound is open: its stream hears a change made on another connection.
    await f.call({ method: 'POST', path: '/v1/agents/elsewhere/heartbeat' });
    await expect.poll(() => full.received()).toContain('"id":"elsewhere"');
    expect(full.socket.destroyed).toBe(false);
    // None of the waiting heartbeats ran: they wait for an answer that never comes.
    expect(f.service.find('w-0')).toBeUndefined();
    full.socket.destroy();
  });
});
