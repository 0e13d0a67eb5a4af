/** Slack incoming webhook: a Block Kit message (header, severity, where, who, what), with no links to unfurl. */
import type { Notice } from '../notice.js';
import { httpSend, type HttpDeps } from './delivery.js';
import { actorOf, clip, resourcesOf } from './format.js';

const BADGE = { critical: ':red_circle: CRITICAL', high: ':large_orange_circle: HIGH', medium: ':large_yellow_circle: MEDIUM', low: ':large_blue_circle: LOW', info: ':white_circle: INFO' } as const;

/** Slack's mrkdwn control characters; escaping them also stops `<url|text>` links coming in through notice text. */
const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

export function slackMessage(n: Notice): Record<string, unknown> {
  const where = [n.account, n.region].filter(Boolean).join(' / ') || '—';
  const resources = resourcesOf(n);
  const fields = [
    `*Severity*\n${BADGE[n.severity] ?? n.severity}`,
    `*Account / region*\n${esc(where)}`,
    `*Actor*\n${esc(actorOf(n) ?? '—')}`,
    `*${n.kind === 'alert' ? 'Rule' : n.kind === 'finding' ? 'Check' : 'Action'}*\n${esc(n.source)}`,
  ];
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(n.title, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: esc(clip(n.summary, 2900)) } },
    { type: 'section', fields: fields.map((text) => ({ type: 'mrkdwn', text })) },
  ];
  if (resources.length) {
    const shown = resources.slice(0, 10).map((r) => `• \`${esc(r)}\``);
    if (resources.length > 10) shown.push(`… and ${resources.length - 10} more`);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`*Resources*\n${shown.join('\n')}`, 2900) } });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: esc(`${n.kind} · ${n.time} · ${n.id}`) }] });
  return { text: clip(`[${n.severity.toUpperCase()}] ${n.summary}`, 3000), blocks, unfurl_links: false, unfurl_media: false };
}

export function slackDeliver(url: string, http: HttpDeps) {
  return async (n: Notice): Promise<{ ref?: string }> => {
    await httpSend(http, 'slack', url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(slackMessage(n)) });
    return {};
  };
}
