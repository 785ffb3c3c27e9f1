// The `fleet-monitor` command's entry (bundled to out/cli/fleet-monitor.js).
import { main } from './fleet-monitor';

await main();
