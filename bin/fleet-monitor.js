#!/usr/bin/env node
// The `fleet-monitor` command (`npx fleet-monitor agent …`). The CLI is written in
// TypeScript and bundled into out/ by `npm install` (the prepare script).
import '../out/cli/fleet-monitor.js';
