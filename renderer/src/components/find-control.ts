/** The controls an agent's tile (or row) marks with `data-action`, so they can be found again after a re-mount. */
export type AgentControl = 'force-exhaust' | 'recover' | 'open-details';

/**
 * The control `action` of agent `id` as it is in the document now, in its
 * tile or row (`[data-agent-id]`): a dialog or panel that closes sends focus
 * back there even when the element that opened it was re-mounted meanwhile
 * (the tile re-sorted into another row). Null when it is not rendered (scrolled
 * out of the virtualized grid, or filtered away).
 */
export function findAgentControl(id: string, action: AgentControl): HTMLElement | null {
  const quoted = id.replace(/["\\]/g, '\\$&');
  // In a tile the control is inside it; a table row is itself the control that opens the details.
  return document.querySelector<HTMLElement>(`[data-agent-id="${quoted}"] [data-action="${action}"], [data-agent-id="${quoted}"][data-action="${action}"]`);
}
