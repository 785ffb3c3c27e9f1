/**
 * The agent id rule, on its own: the CLI's hook and status-line commands
 * check ids without loading the schema library (they must answer within
 * Claude Code's status-line budget).
 */

/** Agent ids: 1–128 characters of `A-Z a-z 0-9 . _ : @ -`. */
export const AGENT_ID_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;
