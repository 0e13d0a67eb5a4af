import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { contextFor } from '../context.js';
import { writeDemoTrail, DEMO_START, DEMO_DAYS } from '../../demo/lake.js';
import { INTRUSION_USER, OPENED_SECURITY_GROUP } from '../../synth/stories.js';

/** The demo's scenario of the simulated AWS (accounts, people and misconfigurations of the sample organisation). */
const SCENARIO = fileURLToPath(new URL('../../demo/scenario.yaml', import.meta.url));
/** Known-good activity of the sample organisation (triaged CI deploys and app-server boot reads). */
const EXCEPTIONS = fileURLToPath(new URL('../../demo/exceptions.yaml', import.meta.url));

/** The saved queries that reveal the planted intrusion, in the order an analyst would run them. */
const REVEALING = ['unauthorized-calls', 'iam-changes', 'access-keys-created', 'logging-tampering', 'network-changes'];

/**
 * `vigil demo`: every job of vigil on one sample organisation, by running the real commands in order — the demo
 * shows exactly what a user would type.
 */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Run vigil end to end on a generated sample organisation with a planted intrusion')
    .option('--dir <dir>', 'where the demo writes its data', '.vigil/demo')
    .option('--fresh', 'regenerate the sample data and start a new store')
    .action(async (o: { dir: string; fresh?: boolean }, cmd: Command) => {
      const ctx = contextFor(cmd);
      const root = resolve(o.dir);
      const db = cmd.optsWithGlobals().db ?? join(root, 'vigil.duckdb');
      if (o.fresh) for (const f of [db, `${db}.wal`]) rmSync(f, { force: true });
      const json = ctx.output.json;
      const say = (t: string) => (json ? ctx.output.log(t) : ctx.output.out(t));
      const since = DEMO_START;
      const until = new Date(Date.parse(`${DEMO_START}T00:00:00Z`) + DEMO_DAYS * 86400_000).toISOString().slice(0, 10);
      const { buildProgram } = await import('../main.js');
      const step = async (title: string, args: string[]) => {
        say(`\n== ${title}\n$ vigil ${args.join(' ')}`);
        // In --json mode the steps' own output goes to stderr, and the demo prints one summary object.
        const write = process.stdout.write.bind(process.stdout);
        if (json) process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
        try {
          await buildProgram().parseAsync([...args, '--db', db], { from: 'user' });
        } finally {
          process.stdout.write = write;
          process.exitCode = 0; // a step's findings or alerts are the point of the demo, not a failure
        }
      };

      say(`== 1. CloudTrail of a sample organisation: ${DEMO_DAYS} days from ${DEMO_START}, with a planted intrusion`);
      const trail = await writeDemoTrail(root, o.fresh);
      say(trail ? `wrote ${trail.records} records in ${trail.files} files under ${trail.dir}` : `using the sample trail already in ${join(root, 'trail')}`);
      const trailDir = join(o.dir, 'trail');

      await step('2. Load it into the lake (exactly once: run the demo again and nothing is re-read)', ['lake', 'ingest', trailDir]);
      for (const name of REVEALING) await step(`3. Saved query: ${name}`, ['lake', 'query', '--saved', name, '--since', since, '--until', until]);
      await step('4. Hunt the whole week with the built-in detection rules (known-good CI and app-server activity excepted)', [
        'hunt',
        '--since',
        since,
        '--until',
        until,
        '--exceptions',
        EXCEPTIONS,
      ]);
      await step('5. Collect an inventory snapshot of the organisation (from vigil\'s simulated AWS)', [
        'collect',
        '--simulate',
        SCENARIO,
        '--organization',
        '--role',
        'VigilAudit',
      ]);
      const report = join(o.dir, 'audit.html');
      await step('6. Audit the snapshot, and write the HTML report', ['audit', '--output', report]);
      await step('7. Access review: what alice did as admin in production', ['access', '--user', 'alice', '--destrole', 'admin', '--destaccount', '234567890123', '--show-used']);
      await step('   ... and bob, who shares the role', ['access', '--user', 'bob', '--destrole', 'admin', '--destaccount', '234567890123', '--show-used']);
      await step('8. Resource history: who created the intruder\'s user, from where and with which tool', ['owner', INTRUSION_USER]);
      await step('   ... and everything that happened to the security group opened to the world', ['history', OPENED_SECURITY_GROUP]);

      say(`\nThe store is ${db}; the audit report is ${report}.`);
      say(`Try: vigil lake query --db ${db} "SELECT eventname, count(*) AS n FROM cloudtrail_logs GROUP BY 1 ORDER BY n DESC LIMIT 10"`);
      if (json) ctx.output.out(JSON.stringify({ store: db, trail: trailDir, auditReport: report }));
    });
}
