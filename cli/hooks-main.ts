// The entry of the commands agents run themselves (`fleet-monitor hook …`,
// `fleet-monitor statusline`), bundled to out/cli/agent-hooks.js: it loads
// only what they need, so the status line prints within Claude Code's budget.
import { runHook, runStatusline } from './hook-command';
import { readProcessStdin } from './stdin';

const [command, ...args] = process.argv.slice(2);
const io = { stdout: (line: string) => console.log(line), stderr: (line: string) => console.error(line), readStdin: readProcessStdin };
process.exitCode = await (command === 'statusline' ? runStatusline(args, process.env, io) : runHook(args, process.env, io));
