/**
 * One day of the organisation's CloudTrail: the building blocks (a call, a role session, a console sign-in) that
 * the ordinary activity and the planted stories are written with.
 */
import { Rng, hash32 } from './random.js';
import { makeRecord, accessDenied, awsDate, type Caller, type TrailRecord } from './record.js';
import { s3Additional, type Api, type CallContext } from './catalog.js';
import {
  assumedRoleIdentity,
  iamUserIdentity,
  roleArn,
  roleId,
  type AccountEstate,
  type Person,
  type RoleSession,
} from './estate.js';

export const DAY_MS = 86_400_000;

export interface DayPlan {
  /** 0-based index of the day in the generated period. */
  index: number;
  start: number;
  estates: AccountEstate[];
  regions: string[];
  people: Person[];
}

export interface CallOptions {
  region?: string;
  error?: { code?: string; message: string };
  /** Probability that the call is refused (AccessDenied, worded per service). */
  denyRate?: number;
  params?: Record<string, unknown> | null;
  response?: Record<string, unknown> | null;
  resources?: TrailRecord['resources'];
  additional?: Record<string, unknown>;
  sharedEventID?: string;
  eventType?: string;
}

export class Day {
  readonly rng: Rng;
  readonly end: number;
  private readonly out: { t: number; r: TrailRecord }[] = [];

  constructor(
    readonly plan: DayPlan,
    seed: number,
  ) {
    this.rng = new Rng(hash32('day', seed, plan.index));
    this.end = plan.start + DAY_MS;
  }

  get count(): number {
    return this.out.length;
  }

  get weekend(): boolean {
    const dow = new Date(this.plan.start).getUTCDay();
    return dow === 0 || dow === 6;
  }

  /** A time during working hours (UTC 07:00-19:00, busiest late morning). */
  workTime(): number {
    const hour = this.rng.weighted([[7, 1], [8, 3], [9, 5], [10, 6], [11, 6], [12, 3], [13, 5], [14, 6], [15, 5], [16, 4], [17, 2], [18, 1]] as const);
    return this.plan.start + hour * 3600_000 + this.rng.int(3600_000);
  }

  anyTime(): number {
    return this.plan.start + this.rng.int(DAY_MS);
  }

  /** Adds a finished record; records past midnight are dropped so every day stays inside its own day. */
  push(t: number, r: TrailRecord): void {
    if (t >= this.plan.start && t < this.end) this.out.push({ t, r });
  }

  /** The day's records in time order (stable, so a session's calls within one second keep their order). */
  records(): TrailRecord[] {
    this.out.sort((a, b) => a.t - b.t);
    return this.out.map((x) => x.r);
  }

  /** Makes `api` as `caller` in `estate` at `t`; returns the record (not added when it falls past midnight). */
  call(t: number, caller: Caller, estate: AccountEstate, api: Api, o: CallOptions = {}): TrailRecord {
    const region = api.global ? 'us-east-1' : (o.region ?? this.rng.pick(this.plan.regions));
    const ctx: CallContext = { rng: this.rng, estate, region, time: t };
    const params = o.params !== undefined ? o.params : api.params ? api.params(ctx) : null;
    const error = o.error ?? (o.denyRate && this.rng.chance(o.denyRate) ? accessDenied(caller, api.source, api.name) : undefined);
    const response = error ? undefined : o.response !== undefined ? o.response : api.response?.(ctx, params);
    const resources = o.resources ?? api.resources?.(ctx, params);
    let additional = o.additional;
    if (!additional && api.source === 's3.amazonaws.com') {
      const size = api.data ? this.rng.range(200, 5_000_000) : this.rng.range(0, 2000);
      additional = api.name === 'PutObject' ? s3Additional(this.rng, 0, size) : s3Additional(this.rng, size);
    }
    const r = makeRecord(this.rng, {
      time: t,
      caller,
      account: estate.id,
      region,
      source: api.source,
      name: api.name,
      readOnly: !api.write,
      params,
      response,
      error,
      additional,
      resources,
      data: api.data,
      sharedEventID: o.sharedEventID,
      eventType: o.eventType,
    });
    this.push(t, r);
    return r;
  }

  /** Calls `apis` one after another from `t`, a few seconds apart; returns the time after the last call. */
  burst(t: number, caller: Caller, estate: AccountEstate, apis: readonly Api[], n: number, o: CallOptions & { gap?: [number, number] } = {}): number {
    const [lo, hi] = o.gap ?? [1, 30];
    for (let i = 0; i < n; i++) {
      t += this.rng.range(lo * 1000, hi * 1000);
      this.call(t, caller, estate, this.rng.pick(apis), o);
    }
    return t;
  }

  /**
   * `sts:AssumeRole` of `role` in `target` by `caller` (whose account is `from`), returning the session.
   * Across accounts AWS records the call twice, linked by sharedEventID: in the caller's account with the full
   * identity, and in the role's account with an `AWSAccount` identity.
   */
  assumeRole(t: number, caller: Caller, from: AccountEstate, target: AccountEstate, role: string, sessionName: string, o: { region?: string; duration?: number; path?: string } = {}): RoleSession {
    const session: RoleSession = { account: target.id, role, path: o.path, sessionName, accessKeyId: this.rng.iamId('ASIA'), created: t };
    const duration = o.duration ?? 3600;
    const arn = roleArn(target.id, role, o.path);
    const params = { roleArn: arn, roleSessionName: sessionName, durationSeconds: duration };
    const response = {
      credentials: { accessKeyId: session.accessKeyId, expiration: awsDate(t + duration * 1000) },
      assumedRoleUser: { assumedRoleId: `${roleId(target.id, role)}:${sessionName}`, arn: `arn:aws:sts::${target.id}:assumed-role/${role}/${sessionName}` },
    };
    const resources = [{ accountId: target.id, type: 'AWS::IAM::Role', ARN: arn }];
    const api: Api = { source: 'sts.amazonaws.com', name: 'AssumeRole' };
    const region = o.region ?? 'us-east-1';
    if (from.id === target.id) {
      this.call(t, caller, target, api, { region, params, response, resources });
      return session;
    }
    const shared = this.rng.uuid();
    const requestID = this.rng.uuid();
    const callerSide = this.call(t, caller, from, api, { region, params, response, resources, sharedEventID: shared });
    callerSide.requestID = requestID;
    const id = caller.identity;
    const ownerView: Caller = { ...caller, identity: { type: 'AWSAccount', principalId: id.principalId, accountId: id.accountId } };
    const ownerSide = this.call(t, ownerView, target, api, { region, params, response, resources, sharedEventID: shared });
    ownerSide.requestID = requestID;
    return session;
  }

  /** An AWS service (EC2, Lambda) assuming a workload's role for it, as CloudTrail records it. */
  serviceAssumeRole(t: number, service: string, estate: AccountEstate, role: string, sessionName: string, region: string): RoleSession {
    const caller: Caller = { identity: { type: 'AWSService', invokedBy: service }, ip: service, userAgent: service, tls: false };
    const session: RoleSession = { account: estate.id, role, sessionName, accessKeyId: this.rng.iamId('ASIA'), created: t };
    const arn = roleArn(estate.id, role);
    this.call(t, caller, estate, { source: 'sts.amazonaws.com', name: 'AssumeRole' }, {
      region,
      params: { roleArn: arn, roleSessionName: sessionName },
      response: {
        credentials: { accessKeyId: session.accessKeyId, expiration: awsDate(t + 6 * 3600_000) },
        assumedRoleUser: { assumedRoleId: `${roleId(estate.id, role)}:${sessionName}`, arn: `arn:aws:sts::${estate.id}:assumed-role/${role}/${sessionName}` },
      },
      resources: [{ accountId: estate.id, type: 'AWS::IAM::Role', ARN: arn }],
      sharedEventID: this.rng.uuid(),
    });
    return session;
  }

  /** A console sign-in of an IAM user (password + MFA) or a failed attempt. */
  consoleLogin(t: number, person: Person, estate: AccountEstate, ip: string, ok = true): void {
    const id = iamUserIdentity(estate.id, person.name, '');
    delete id.accessKeyId;
    if (!ok) delete id.arn;
    const caller: Caller = { identity: id, ip, userAgent: person.browser, tls: true };
    this.call(t, caller, estate, { source: 'signin.amazonaws.com', name: 'ConsoleLogin', write: true, global: true }, {
      params: null,
      response: { ConsoleLogin: ok ? 'Success' : 'Failure' },
      error: ok ? undefined : { message: 'Failed authentication' },
      additional: {
        LoginTo: 'https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_' + this.rng.hex(16),
        MobileVersion: 'No',
        MFAIdentifier: `arn:aws:iam::${estate.id}:mfa/${person.name}`,
        MFAUsed: 'Yes',
      },
      eventType: 'AwsConsoleSignIn',
    });
  }

  /** Role session callers: what a session's later calls look like. */
  sessionCaller(s: RoleSession, ip: string, userAgent: string, extra: Partial<Caller> = {}): Caller {
    return { identity: assumedRoleIdentity(s), ip, userAgent, tls: true, ...extra };
  }
}
