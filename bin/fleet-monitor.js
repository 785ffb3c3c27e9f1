#!/usr/bin/env node
// The `fleet-monitor` command (`npx fleet-monitor agent …`). The CLI is written in
// TypeScript and bundled into out/ by `npm install` (the prepare script). The
// commands Claude Code and Codex run on every event (hook, statusline) load a
// bundle of their own, without the rest of the CLI's libraries.
const command = process.argv[2];
await import(command === 'hook' || command === 'statusline' ? '../out/cli/agent-hooks.js' : '../out/cli/fleet-monitor.js');
