/**
 * The simulated AWS as a process: `node --import tsx src/aws/sim/main.ts <scenario.yaml|json>` prints
 * `{"endpoint": ...}` on its first line and serves until stopped; GET /__sim/stats returns its counters.
 * The benchmark runs it beside the collector so both get a core.
 */
import { SERVICES, loadService } from '../services.js';
import { loadScenario } from './scenario.js';
import { startSimulatedAws } from './server.js';

const path = process.argv[2];
if (!path) {
  process.stderr.write('usage: sim <scenario.yaml|json>\n');
  process.exit(2);
}
const scenario = loadScenario(path);
// Clients load lazily and slowly: load them all before the first request, not during it.
for (const s of SERVICES) await loadService(s.prefix);
const sim = await startSimulatedAws(scenario);
process.stdout.write(JSON.stringify({ endpoint: sim.endpoint }) + '\n');
const stop = () => void sim.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
