/** IAM's glob matching: `*` any run of characters, `?` one character. Actions match case-insensitively. */

const cache = new Map<string, RegExp>();

function compile(pattern: string, ignoreCase: boolean): RegExp {
  const key = `${ignoreCase ? 'i' : 's'}\0${pattern}`;
  let re = cache.get(key);
  if (!re) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
    re = new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
    if (cache.size > 50_000) cache.clear();
    cache.set(key, re);
  }
  return re;
}

export const hasWildcard = (s: string): boolean => s.includes('*') || s.includes('?');

/** Does an action pattern (`s3:Get*`, `*`) match an action (`s3:GetObject`)? */
export function actionMatches(pattern: string, action: string): boolean {
  if (pattern === '*') return true;
  if (!hasWildcard(pattern)) return pattern.toLowerCase() === action.toLowerCase();
  return compile(pattern, true).test(action);
}

/**
 * Does a resource pattern match an ARN? ARNs match case-sensitively. Policy variables (`${aws:username}`) are
 * not resolved here, so a pattern holding one matches nothing it does not spell out literally.
 */
export function resourceMatches(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  if (!hasWildcard(pattern)) return pattern === arn;
  return compile(pattern, false).test(arn);
}
