/** `npm start` (vigil demo) end to end: the planted intrusion is found by every job that should find it. */
import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vigil } from './helpers/cli.js';
import { ATTACKER_IP, INTRUSION_USER, OPENED_SECURITY_GROUP, STOPPED_TRAIL } from '../src/synth/stories.js';

describe('vigil demo', () => {
  it('ingests, queries, hunts, collects, audits and reviews access on the sample organisation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-demo-'));
    try {
      const r = vigil(['demo', '--dir', dir]);
      expect(r.stderr).not.toMatch(/vigil: /);
      expect(r.code).toBe(0);
      const out = r.stdout;
      // Saved queries show the intruder's IAM changes and the stopped trail.
      expect(out).toMatch(new RegExp(`CreateUser .*${INTRUSION_USER}`));
      expect(out).toMatch(/StopLogging/);
      // The hunt, with the demo's exceptions, reports the intrusion and nothing of the triaged CI noise.
      const hunt = out.slice(out.indexOf('$ vigil hunt'), out.indexOf('$ vigil collect'));
      for (const rule of ['aws-cloudtrail-stop-logging', 'aws-iam-new-user-then-admin', 'aws-s3-bucket-policy-public', 'aws-ec2-security-group-open-to-world'])
        expect(hunt).toContain(rule);
      expect(hunt).toContain(ATTACKER_IP);
      expect(hunt).not.toContain('aws-lambda-code-updated');
      // The audit wrote its self-contained HTML report and found the planted misconfigurations.
      const html = readFileSync(join(dir, 'audit.html'), 'utf8');
      expect(html.toLowerCase()).toContain('<!doctype html>');
      const audit = out.slice(out.indexOf('$ vigil audit'), out.indexOf('$ vigil access'));
      for (const check of ['iam_root_access_key_absent', 'ec2_sg_admin_ports_ipv4']) expect(audit).toContain(check);
      expect(html).toContain(STOPPED_TRAIL);
      // Two people share the admin role: bob made one call as admin.
      const bob = out.slice(out.lastIndexOf('$ vigil access'), out.indexOf('$ vigil owner'));
      expect(bob.match(/^ {2}\S+$/gm)).toEqual(['  iam:ListUsers']);
      // Resource history: the intruder's user was created with the leaked key from the attacker's address, and the
      // security group was opened by that new user.
      const owner = out.slice(out.indexOf('$ vigil owner'), out.indexOf('$ vigil history'));
      expect(owner).toMatch(/event\s+CreateUser/);
      expect(owner).toContain(ATTACKER_IP);
      const sg = out.slice(out.indexOf('$ vigil history'));
      expect(sg).toContain(OPENED_SECURITY_GROUP);
      expect(sg).toMatch(new RegExp(`AuthorizeSecurityGroupIngress\\s+\\S+user/${INTRUSION_USER}\\s+${ATTACKER_IP.replaceAll('.', '\\.')}`));
      // A second run reads nothing it already has.
      const again = vigil(['demo', '--dir', dir]);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/files already ingested\s+\d+/);
      expect(again.stdout).toMatch(/files ingested\s+0\b/);
      expect(existsSync(join(dir, 'vigil.duckdb'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
