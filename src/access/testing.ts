/** Hand-made CloudTrail records and IAM details for the access review's tests (CloudTrail's camelCase shape). */
let seq = 0;

export interface Who {
  type: 'IAMUser' | 'AssumedRole' | 'SAMLUser' | 'AWSAccount' | 'AWSService';
  account: string;
  /** IAMUser name, SAML subject. */
  name?: string;
  key?: string;
  /** AssumedRole: the role and session. */
  role?: string;
  session?: string;
  sourceIdentity?: string;
}

export function identity(w: Who): Record<string, unknown> {
  switch (w.type) {
    case 'IAMUser':
      return { type: 'IAMUser', principalId: `AIDA${w.name}`, arn: `arn:aws:iam::${w.account}:user/${w.name}`, accountId: w.account, accessKeyId: w.key, userName: w.name };
    case 'AssumedRole':
      return {
        type: 'AssumedRole',
        principalId: `AROA${w.role}:${w.session}`,
        arn: `arn:aws:sts::${w.account}:assumed-role/${w.role}/${w.session}`,
        accountId: w.account,
        accessKeyId: w.key,
        sessionContext: {
          sessionIssuer: { type: 'Role', principalId: `AROA${w.role}`, arn: `arn:aws:iam::${w.account}:role/${w.role}`, accountId: w.account, userName: w.role },
          attributes: { creationDate: '2026-01-01T00:00:00Z', mfaAuthenticated: 'false' },
          ...(w.sourceIdentity ? { sourceIdentity: w.sourceIdentity } : {}),
        },
      };
    case 'SAMLUser':
      return { type: 'SAMLUser', principalId: `q=:${w.name}`, userName: w.name, identityProvider: 'q=' };
    case 'AWSAccount':
      return { type: 'AWSAccount', principalId: 'AIDAX', accountId: w.account };
    case 'AWSService':
      return { type: 'AWSService', invokedBy: w.name };
  }
}

export interface EventOpts {
  time?: string;
  account?: string;
  error?: string;
  params?: Record<string, unknown> | null;
  response?: Record<string, unknown> | null;
  resources?: { ARN: string; type?: string; accountId?: string }[];
  data?: boolean;
}

export function event(who: Who, source: string, name: string, o: EventOpts = {}): Record<string, unknown> {
  seq++;
  return {
    eventVersion: '1.09',
    userIdentity: identity(who),
    eventTime: o.time ?? '2026-03-01T10:00:00Z',
    eventSource: source,
    eventName: name,
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2',
    ...(o.error ? { errorCode: o.error, errorMessage: 'denied' } : {}),
    requestParameters: o.params ?? null,
    responseElements: o.response ?? null,
    requestID: `req-${seq}`,
    eventID: `00000000-0000-0000-0000-${String(seq).padStart(12, '0')}`,
    ...(o.resources ? { resources: o.resources } : {}),
    eventType: 'AwsApiCall',
    readOnly: true,
    recipientAccountId: o.account ?? who.account,
    eventCategory: o.data ? 'Data' : 'Management',
  };
}

/** An AssumeRole (or ...WithSAML) as CloudTrail records it; across accounts, also the role owner's copy. */
export function assume(
  who: Who,
  roleAccount: string,
  role: string,
  session: string,
  key: string,
  o: { via?: 'AssumeRole' | 'AssumeRoleWithSAML'; sourceIdentity?: string; time?: string } = {},
): Record<string, unknown>[] {
  const roleArn = `arn:aws:iam::${roleAccount}:role/${role}`;
  const params = { roleArn, roleSessionName: session, ...(o.sourceIdentity ? { sourceIdentity: o.sourceIdentity } : {}) };
  const response = {
    credentials: { accessKeyId: key, expiration: 'Mar 1, 2026, 11:00:00 AM' },
    assumedRoleUser: { arn: `arn:aws:sts::${roleAccount}:assumed-role/${role}/${session}` },
    ...(o.via === 'AssumeRoleWithSAML' ? { subject: who.name } : {}),
    ...(o.sourceIdentity ? { sourceIdentity: o.sourceIdentity } : {}),
  };
  const opts = { params, response, time: o.time, resources: [{ ARN: roleArn, type: 'AWS::IAM::Role', accountId: roleAccount }] };
  const own = event(who, 'sts.amazonaws.com', o.via ?? 'AssumeRole', opts);
  const home = who.type === 'SAMLUser' ? roleAccount : who.account;
  if (home === roleAccount) return [{ ...own, recipientAccountId: roleAccount }];
  return [own, event({ type: 'AWSAccount', account: who.account }, 'sts.amazonaws.com', 'AssumeRole', { ...opts, account: roleAccount })];
}

const doc = (Statement: object[]) => ({ Version: '2012-10-17', Statement });

/** get-account-authorization-details output with the given inline-policy principals. */
export function authDetails(
  account: string,
  o: {
    users?: { name: string; statements: object[]; groups?: string[]; boundary?: string }[];
    groups?: { name: string; statements: object[] }[];
    roles?: { name: string; statements: object[] }[];
    policies?: { name: string; statements: object[] }[];
  },
): Record<string, unknown> {
  const pol = (name: string) => `arn:aws:iam::${account}:policy/${name}`;
  return {
    UserDetailList: (o.users ?? []).map((u) => ({
      UserName: u.name,
      Arn: `arn:aws:iam::${account}:user/${u.name}`,
      GroupList: u.groups ?? [],
      UserPolicyList: [{ PolicyName: 'inline', PolicyDocument: doc(u.statements) }],
      AttachedManagedPolicies: [],
      ...(u.boundary ? { PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: pol(u.boundary) } } : {}),
    })),
    GroupDetailList: (o.groups ?? []).map((g) => ({
      GroupName: g.name,
      Arn: `arn:aws:iam::${account}:group/${g.name}`,
      GroupPolicyList: [{ PolicyName: 'inline', PolicyDocument: doc(g.statements) }],
      AttachedManagedPolicies: [],
    })),
    RoleDetailList: (o.roles ?? []).map((r) => ({
      RoleName: r.name,
      Arn: `arn:aws:iam::${account}:role/${r.name}`,
      RolePolicyList: [{ PolicyName: 'inline', PolicyDocument: doc(r.statements) }],
      AttachedManagedPolicies: [],
    })),
    Policies: (o.policies ?? []).map((p) => ({
      PolicyName: p.name,
      Arn: pol(p.name),
      DefaultVersionId: 'v1',
      PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true, Document: doc(p.statements) }],
    })),
  };
}
