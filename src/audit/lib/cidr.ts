/** CIDR helpers for security-group and NACL checks (IPv4 and IPv6, via ipaddr.js). */
import ipaddr from 'ipaddr.js';

export interface Cidr {
  text: string;
  addr: ipaddr.IPv4 | ipaddr.IPv6;
  bits: number;
  v6: boolean;
}

// Rule CIDRs repeat across thousands of security groups: parse each text once.
const parsed = new Map<string, Cidr | undefined>();

export function parseCidr(text: string): Cidr | undefined {
  if (parsed.has(text)) return parsed.get(text);
  let c: Cidr | undefined;
  try {
    const [addr, bits] = ipaddr.parseCIDR(text);
    c = { text, addr, bits, v6: addr.kind() === 'ipv6' };
  } catch {
    c = undefined;
  }
  if (parsed.size > 100_000) parsed.clear();
  parsed.set(text, c);
  return c;
}

/** Number of addresses (IPv4), or 2^(128-bits) capped for IPv6. */
export function cidrSize(c: Cidr): number {
  return 2 ** ((c.v6 ? 128 : 32) - c.bits);
}

/** Is `inner` inside `outer` (same family)? */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.v6 !== inner.v6 || inner.bits < outer.bits) return false;
  return inner.addr.match(outer.addr as never, outer.bits);
}

export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

const INTERNAL = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7', 'fe80::/10'].map((c) => parseCidr(c)!);
/** Private (RFC 1918, carrier-grade NAT, ULA): not reachable from the internet. */
const internal = new WeakMap<Cidr, boolean>();
export function isInternal(c: Cidr): boolean {
  let v = internal.get(c);
  if (v === undefined) internal.set(c, (v = INTERNAL.some((i) => cidrContains(i, c))));
  return v;
}

const UNBLOCKABLE = [
  '169.254.0.0/16', // link local
  '127.0.0.0/8', // loopback
  '192.0.2.0/24', // TEST-NET-1
  '198.51.100.0/24', // TEST-NET-2
  '203.0.113.0/24', // TEST-NET-3
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved (class E) and broadcast
].map((c) => parseCidr(c)!);
/** Addresses that can never be the source of internet traffic to an instance: listing them is pointless. */
const unblockable = new WeakMap<Cidr, boolean>();
export function isUnblockable(c: Cidr): boolean {
  let v = unblockable.get(c);
  if (v === undefined) unblockable.set(c, (v = UNBLOCKABLE.some((u) => cidrContains(u, c))));
  return v;
}

export function isEveryone(c: Cidr): boolean {
  return c.bits === 0;
}
