import type { ErrorInfo } from '../../../shared/errors';

/**
 * What the sign-in page says when the port refused the page's token or code,
 * from the status and the port's error. The page's own requests pass the
 * port's front door (same origin), so a 403 on an operator endpoint can only
 * mean a token that is not the operator's: the agent token.
 */
export function describeRefusal(status: number, error: ErrorInfo | undefined): string {
  if (error?.code === 'invalid_code') return `${error.message}. Paste the operator token instead.`;
  if (status === 403) return "That is the agent token; Fleet Monitor's UI needs the operator token (Settings, or operator_token in tokens.json).";
  if (status === 401) return 'That token is not valid for this Fleet Monitor; paste the operator token (Settings, or operator_token in tokens.json).';
  return `The server answered ${status}${error ? `: ${error.message}` : ''}.`;
}
