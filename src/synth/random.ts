/**
 * Seeded randomness for the synthetic data: the same seed gives the same bytes on every machine, so the demo and
 * the benchmarks are reproducible (Math.random is never used).
 */

/** 32-bit FNV-1a of strings and numbers: derives stable sub-seeds and ids from names. */
export function hash32(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    const s = typeof p === 'number' ? String(p) : p;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x1f; // separator, so ('ab','c') differs from ('a','bc')
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const HEX = '0123456789abcdef';
const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** The alphabet of IAM unique ids and access key ids (base32-like). */
const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const MIXED_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** sfc32: small, fast and good enough for synthetic logs. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A uniform number in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** Picks by weight: `[[item, weight], ...]`. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1]![0];
  }

  private chars(alphabet: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }

  /** `n` lower-case hex digits, four bytes from each 32-bit draw. */
  hex(n: number): string {
    let s = '';
    while (s.length < n) {
      const x = (this.next() * 4294967296) >>> 0;
      s += BYTE_HEX[x & 255]! + BYTE_HEX[(x >>> 8) & 255]! + BYTE_HEX[(x >>> 16) & 255]! + BYTE_HEX[x >>> 24]!;
    }
    return s.length === n ? s : s.slice(0, n);
  }

  /** Upper-case letters and digits, as S3 request ids are. */
  upper(n: number): string {
    return this.chars(UPPER_ALNUM, n);
  }

  lower(n: number): string {
    return this.chars(LOWER_ALNUM, n);
  }

  /** Mixed-case letters and digits, as the random part of CloudTrail file names. */
  alnum(n: number): string {
    return this.chars(MIXED_ALNUM, n);
  }

  /** An IAM-style id: `AKIA...`, `ASIA...`, `AIDA...`, `AROA...` followed by `n` characters. */
  iamId(prefix: string, n = 16): string {
    return prefix + this.chars(KEY_ALPHABET, n);
  }

  /** A version-4 UUID, as CloudTrail's eventID and most request ids are. */
  uuid(): string {
    const h = this.hex(32);
    const variant = HEX[8 + this.int(4)];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

/** A deterministic IAM-style id derived from a name (the same user always gets the same AIDA... id). */
export function stableIamId(prefix: string, name: string, n = 17): string {
  return new Rng(hash32(prefix, name)).iamId(prefix, n);
}
