/** A ready-to-paste heartbeat for the first agent. */
export function heartbeatCurl(url: string, agentToken: string, id = 'my-agent'): string {
  return `curl -sS -X POST ${url}/v1/agents/${id}/heartbeat -H 'Authorization: Bearer ${agentToken}'`;
}
