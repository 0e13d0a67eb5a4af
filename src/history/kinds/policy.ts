/** Customer managed policies: versions and which one is the default (the document in force). */
import { str } from '../event.js';
import type { TrailRecord } from '../types.js';
import { afterMarker, arnScheme, createdAt, type Kind, type Target } from './kind.js';
import { document } from './iam.js';

const byArn = (rec: TrailRecord): (Target | undefined)[] => {
  const arn = str(rec, 'requestParameters.policyArn');
  const id = arn ? afterMarker(arn, 'iam', 'policy/') : undefined;
  return id ? [{ id, arn }] : [];
};

export const managedPolicy: Kind = {
  type: 'policy',
  eventSource: 'iam.amazonaws.com',
  global: true,
  ...arnScheme('iam', 'policy/', true),
  events: {
    CreatePolicy: {
      action: 'create',
      targets: createdAt(['responseElements.policy.policyName', 'requestParameters.policyName'], 'responseElements.policy.arn'),
      request: (rec) => ({
        path: str(rec, 'requestParameters.path') ?? '/',
        description: str(rec, 'requestParameters.description') ?? null,
        policyDocument: document(str(rec, 'requestParameters.policyDocument')),
        versionId: str(rec, 'responseElements.policy.defaultVersionId') ?? 'v1',
      }),
      apply: (_s, r) => ({ path: r.path, description: r.description, defaultVersionId: r.versionId, document: r.policyDocument, versions: { [r.versionId]: r.policyDocument } }),
    },
    DeletePolicy: { action: 'delete', targets: byArn },
    CreatePolicyVersion: {
      action: 'modify',
      targets: byArn,
      request: (rec) => ({
        versionId: str(rec, 'responseElements.policyVersion.versionId') ?? null,
        setAsDefault: String(rec.requestParameters && (rec.requestParameters as { setAsDefault?: unknown }).setAsDefault) === 'true',
        policyDocument: document(str(rec, 'requestParameters.policyDocument')),
      }),
      apply: (s, r) => {
        const versions = r.versionId ? { ...(s.versions ?? {}), [r.versionId]: r.policyDocument } : (s.versions ?? {});
        return r.setAsDefault ? { ...s, versions, defaultVersionId: r.versionId, document: r.policyDocument } : { ...s, versions };
      },
    },
    SetDefaultPolicyVersion: {
      action: 'modify',
      targets: byArn,
      request: (rec) => ({ versionId: str(rec, 'requestParameters.versionId') ?? null }),
      // A version made before the lake's first event (and no snapshot) is not known: its document is unknown.
      apply: (s, r) => ({ ...s, defaultVersionId: r.versionId, document: s.versions?.[r.versionId] ?? null }),
    },
    DeletePolicyVersion: {
      action: 'modify',
      targets: byArn,
      request: (rec) => ({ versionId: str(rec, 'requestParameters.versionId') ?? null }),
      apply: (s, r) => {
        const versions = { ...(s.versions ?? {}) };
        delete versions[r.versionId];
        return { ...s, versions };
      },
    },
  },
  fromSnapshot: (c) => {
    if (typeof c?.PolicyName !== 'string') return undefined;
    const versions: Record<string, unknown> = {};
    for (const v of Array.isArray(c.PolicyVersionList) ? c.PolicyVersionList : []) versions[v.VersionId] = document(v.Document);
    return { id: c.PolicyName, state: { path: c.Path ?? '/', defaultVersionId: c.DefaultVersionId ?? null, document: versions[c.DefaultVersionId] ?? null, versions } };
  },
};
