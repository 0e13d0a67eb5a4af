/** ISO-8601 to the second, as CloudTrail writes eventTime, so text comparison with `eventtime` is time order. */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The lake's `timestamp` (event day) of a time: `yyyy/MM/dd`, as in Athena's partition projection. */
export function lakeDay(d: Date): string {
  return d.toISOString().slice(0, 10).replaceAll('-', '/');
}
