/**
 * Jira: one issue per finding or alert. The issue carries a label derived from a dedup key (the finding id; the
 * alert's rule and dedup key), so before creating, a JQL search finds the open issue already there; later
 * changes (a finding resolved, an alert seen again) become comments on it. The issue key is the delivery's ref.
 */
import { createHash } from 'node:crypto';
import type { Notice } from '../notice.js';
import { DeliveryError, httpSend, type HttpDeps } from './delivery.js';
import { actorOf, clip, isResolution, resourcesOf } from './format.js';

export interface JiraSettings {
  url: string;
  project: string;
  issueType: string;
  user: string;
  token: string;
  labels: string[];
  /** Jira Cloud removed GET /rest/api/2/search (410 Gone since 2025); it searches with /search/jql instead. */
  deployment?: 'cloud' | 'datacenter';
}

/** Cloud when said so, else when the site is on atlassian.net; Server and Data Center keep the classic search. */
export function jiraDeployment(url: string, said?: 'cloud' | 'datacenter'): 'cloud' | 'datacenter' {
  if (said) return said;
  try {
    return new URL(url).hostname.endsWith('.atlassian.net') ? 'cloud' : 'datacenter';
  } catch {
    return 'datacenter';
  }
}

/** What "the same finding or alert" means for tickets. */
export function dedupKey(n: Notice): string {
  if (n.kind === 'finding') return `finding:${String(n.body.id ?? n.id)}`;
  if (n.kind === 'alert') return `alert:${n.source}:${n.account ?? ''}:${JSON.stringify(n.body.dedupKey ?? {})}`;
  return `${n.kind}:${n.id}`;
}

export function dedupLabel(n: Notice): string {
  return 'vigil-' + createHash('sha256').update(dedupKey(n)).digest('hex').slice(0, 12);
}

function description(n: Notice): string {
  const lines = [
    n.summary,
    '',
    `*Severity:* ${n.severity}`,
    `*Kind:* ${n.kind} (${n.source})`,
    `*Account / region:* ${[n.account, n.region].filter(Boolean).join(' / ') || '-'}`,
    `*Actor:* ${actorOf(n) ?? '-'}`,
    `*Time:* ${n.time}`,
  ];
  const res = resourcesOf(n);
  if (res.length) lines.push('*Resources:*', ...res.slice(0, 20).map((r) => `* {{${r}}}`));
  lines.push('', `vigil notice ${n.id}`);
  return clip(lines.join('\n'), 30_000);
}

export function jiraDeliver(s: JiraSettings, http: HttpDeps) {
  const base = s.url.replace(/\/+$/, '');
  const auth = 'Basic ' + Buffer.from(`${s.user}:${s.token}`).toString('base64');
  const headers = { authorization: auth, 'content-type': 'application/json', accept: 'application/json' };
  // Issues this process created: Jira's search index can lag a creation by seconds.
  const created = new Map<string, string>();

  const json = async (what: string, path: string, init: RequestInit = {}): Promise<Record<string, unknown>> => {
    const res = await httpSend(http, `jira ${what}`, base + path, { ...init, headers });
    const text = await res.text();
    try {
      return text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      throw new DeliveryError(`jira ${what}: the answer is not JSON`);
    }
  };

  const openIssue = async (label: string): Promise<string | undefined> => {
    const known = created.get(label);
    if (known) return known;
    const jql = `project = "${s.project}" AND labels = "${label}" AND statusCategory != Done ORDER BY created DESC`;
    const search = jiraDeployment(s.url, s.deployment) === 'cloud' ? '/rest/api/2/search/jql' : '/rest/api/2/search';
    const r = await json('search', `${search}?${new URLSearchParams({ jql, fields: 'summary', maxResults: '1' })}`);
    const issues = Array.isArray(r.issues) ? (r.issues as { key?: unknown }[]) : [];
    return typeof issues[0]?.key === 'string' ? issues[0].key : undefined;
  };

  const comment = (key: string, body: string) => json('comment', `/rest/api/2/issue/${encodeURIComponent(key)}/comment`, { method: 'POST', body: JSON.stringify({ body }) });

  return async (n: Notice): Promise<{ ref?: string }> => {
    const label = dedupLabel(n);
    const key = await openIssue(label);
    if (isResolution(n)) {
      // Nothing open to close out: the finding never had a ticket (or someone closed it already).
      if (!key) return {};
      await comment(key, `Resolved (${n.time}): ${n.summary}\n\nvigil notice ${n.id}`);
      return { ref: key };
    }
    if (key) {
      await comment(key, `Seen again (${n.time}): ${n.summary}\n\nvigil notice ${n.id}`);
      return { ref: key };
    }
    const r = await json('create', '/rest/api/2/issue', {
      method: 'POST',
      body: JSON.stringify({
        fields: {
          project: { key: s.project },
          issuetype: { name: s.issueType },
          summary: clip(`[${n.severity.toUpperCase()}] ${n.summary}`.replace(/\s+/g, ' '), 250),
          description: description(n),
          labels: [...new Set([...s.labels, label])],
        },
      }),
    });
    if (typeof r.key !== 'string') throw new DeliveryError('jira create: the answer has no issue key');
    created.set(label, r.key);
    return { ref: r.key };
  };
}
