/**
 * Secrets in API responses are replaced before anything is written: Lambda (and ECS, Batch...) environment
 * values, EC2 UserData, and password- or secret-valued fields. Keys stay, so a check can still see that an
 * environment variable named AWS_SECRET_ACCESS_KEY exists.
 */
export const REDACTED = '[redacted by vigil]';

/** Keys whose value is a secret wherever they appear. */
const SECRET_KEYS = /^(UserData|userData|SecretString|SecretBinary|Password|MasterUserPassword|AuthToken|PrivateKey|privateKey|SecretAccessKey|SessionToken)$/;

export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (SECRET_KEYS.test(k) && v !== null && v !== undefined && v !== '') out[k] = REDACTED;
    // Lambda: Environment.Variables {NAME: value}; ECS/Batch: environment [{name, value}].
    else if (k === 'Variables' && v && typeof v === 'object' && !Array.isArray(v)) out[k] = Object.fromEntries(Object.keys(v).map((n) => [n, REDACTED]));
    else if ((k === 'environment' || k === 'Environment') && Array.isArray(v)) {
      out[k] = v.map((e) => (e && typeof e === 'object' && 'value' in e ? { ...(e as object), value: REDACTED } : redactSecrets(e)));
    } else out[k] = redactSecrets(v);
  }
  return out;
}
