/** The IAM credential report (CSV inside GetCredentialReport's Content, base64 from the SDK, text from the CLI). */
import type { SnapshotReader } from '../../snapshot/types.js';
import { memo } from './memo.js';
import { getGlobal, type Got } from './snapshot.js';

export type CredentialRow = Record<string, string>;

export interface CredentialReport {
  generated: string;
  rows: CredentialRow[];
  region: string;
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

export function parseCredentialReport(content: string): CredentialRow[] {
  const lines = content.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = splitCsvLine(lines[0] ?? '');
  if (!header.includes('user') || !header.includes('arn')) throw new Error('credential report: no user,arn header');
  return lines.slice(1).map((l) => {
    const cells = splitCsvLine(l);
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  });
}

function decodeContent(content: unknown): string | undefined {
  if (typeof content !== 'string') return undefined;
  if (content.startsWith('user,')) return content;
  const text = Buffer.from(content, 'base64').toString('utf8');
  return text.startsWith('user,') ? text : undefined;
}

export function credentialReport(snap: SnapshotReader, account: string): Got<CredentialReport> & { region: string } {
  return memo(snap, `credential-report:${account}`, () => readCredentialReport(snap, account));
}

function readCredentialReport(snap: SnapshotReader, account: string): Got<CredentialReport> & { region: string } {
  const got = getGlobal(snap, account, 'iam-get-credential-report');
  if (!got.ok) return got;
  const text = decodeContent(got.data.Content);
  if (text === undefined) return { ok: false, reason: 'iam-get-credential-report: unreadable Content', notFound: false, region: got.region };
  try {
    return { ok: true, region: got.region, data: { generated: String(got.data.GeneratedTime ?? snap.time), rows: parseCredentialReport(text), region: got.region } };
  } catch (e) {
    return { ok: false, reason: (e as Error).message, notFound: false, region: got.region };
  }
}

/** A report date cell, or undefined for N/A, no_information, not_supported. */
export function reportDate(v: string | undefined): string | undefined {
  if (!v || !/^\d{4}-\d\d-\d\d/.test(v)) return undefined;
  return v;
}

export const ROOT_USER = '<root_account>';
