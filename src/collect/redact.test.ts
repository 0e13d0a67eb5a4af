import { describe, it, expect } from 'vitest';
import { REDACTED, redactSecrets } from './redact.js';

describe('redactSecrets', () => {
  it('replaces secret values and keeps the names a check needs', () => {
    const out = redactSecrets({
      Functions: [{ FunctionName: 'f', Environment: { Variables: { AWS_SECRET_ACCESS_KEY: 'abc', MODE: 'prod' } } }],
      Reservations: [{ Instances: [{ InstanceId: 'i-1', UserData: 'IyEvYmluL3NoCmV4cG9ydCBQQVNTPWh1bnRlcjI=' }] }],
      taskDefinition: { containerDefinitions: [{ name: 'web', environment: [{ name: 'DB_PASSWORD', value: 'hunter2' }] }] },
      SecretString: 's3cr3t',
      MasterUserPassword: 'pw',
      Empty: { UserData: '' },
    });
    expect(out).toEqual({
      Functions: [{ FunctionName: 'f', Environment: { Variables: { AWS_SECRET_ACCESS_KEY: REDACTED, MODE: REDACTED } } }],
      Reservations: [{ Instances: [{ InstanceId: 'i-1', UserData: REDACTED }] }],
      taskDefinition: { containerDefinitions: [{ name: 'web', environment: [{ name: 'DB_PASSWORD', value: REDACTED }] }] },
      SecretString: REDACTED,
      MasterUserPassword: REDACTED,
      Empty: { UserData: '' },
    });
    expect(JSON.stringify(out)).not.toMatch(/hunter2|s3cr3t|IyEv|abc/);
  });
});
