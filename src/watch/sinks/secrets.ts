/**
 * Secret settings of sinks (webhook URLs, HMAC keys, tokens) and keeping them out of every message: a Redactor
 * knows each resolved value (and its encodings) and blanks it, and URLs lose their path and query, which is
 * where webhook tokens live.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Config } from '../../config/schema.js';
import { UsageError, oneLine } from '../../util/errors.js';
import { awsClientConfig } from './aws.js';

/** Turns a setting (`env:NAME`, `secretsmanager:<id>`, or a literal) into its value; `where` names it in errors. */
export type SecretResolver = (ref: string, where: string) => Promise<string>;

export function secretResolver(aws: Config['aws'] = {}, env: NodeJS.ProcessEnv = process.env): SecretResolver {
  let sm: SecretsManagerClient | undefined;
  const cache = new Map<string, Promise<string>>();
  return async (ref, where) => {
    if (ref.startsWith('env:')) {
      const name = ref.slice(4);
      const v = env[name];
      if (!v) throw new UsageError(`${where}: environment variable ${name} is not set`);
      return v;
    }
    if (ref.startsWith('secretsmanager:')) {
      const id = ref.slice('secretsmanager:'.length);
      let p = cache.get(id);
      if (!p) {
        // The SDK is loaded only when a secret lives in Secrets Manager.
        const sdk = await import('@aws-sdk/client-secrets-manager');
        sm ??= new sdk.SecretsManagerClient(awsClientConfig(aws, regionOfArn(id)));
        p = sm.send(new sdk.GetSecretValueCommand({ SecretId: id })).then((r) => {
          if (!r.SecretString) throw new UsageError(`${where}: secret ${id} has no string value`);
          return r.SecretString;
        });
        cache.set(id, p);
        p.catch(() => cache.delete(id));
      }
      try {
        return await p;
      } catch (e) {
        if (e instanceof UsageError) throw e;
        throw new UsageError(`${where}: cannot read secret ${id} from Secrets Manager: ${oneLine(e)}`);
      }
    }
    return ref;
  };
}

function regionOfArn(id: string): string | undefined {
  return /^arn:[\w-]+:secretsmanager:([\w-]+):/.exec(id)?.[1];
}

/** Blanks known secret values and the path/query of URLs in text bound for logs, stored errors or output. */
export class Redactor {
  private readonly values = new Set<string>();

  add(value: string | undefined): void {
    if (!value || value.length < 4) return;
    this.values.add(value);
    this.values.add(encodeURIComponent(value));
    this.values.add(Buffer.from(value).toString('base64'));
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a value containing another is blanked whole.
    for (const v of [...this.values].sort((a, b) => b.length - a.length)) out = out.split(v).join('[redacted]');
    return redactUrls(out);
  }
}

/** `https://user:pw@hooks.example.com/services/T0/B0/xyz?t=1` → `https://hooks.example.com/[redacted]`. */
export function redactUrls(text: string): string {
  return text.replace(/\b(https?):\/\/(?:[^\s/@]+@)?([^\s/?#]+)[^\s"'<>)]*/gi, (_m, scheme: string, host: string) => {
    const rest = _m.slice(_m.indexOf(host) + host.length);
    return rest && rest !== '/' ? `${scheme}://${host}/[redacted]` : `${scheme}://${host}`;
  });
}
