/**
 * IP addresses without regexes: parsing (IPv4 dotted quad, IPv6 with `::`, an embedded IPv4
 * tail, a `%zone`; IPv4-mapped `::ffff:a.b.c.d` is that IPv4 address), CIDR sets compiled once,
 * and the address class `ip_class()` reports (public = none of the special ranges below).
 */

/** An address as 4 big-endian 32-bit words; IPv4 is ::ffff:a.b.c.d (v4 = true). */
export interface Ip {
  v4: boolean;
  w: [number, number, number, number];
}

function parseV4(s: string, from = 0, to = s.length): number | undefined {
  let n = 0;
  let parts = 0;
  let i = from;
  while (i <= to) {
    let v = 0;
    const start = i;
    while (i < to && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) {
      v = v * 10 + (s.charCodeAt(i) - 48);
      i++;
    }
    const len = i - start;
    if (len === 0 || len > 3 || v > 255 || (len > 1 && s.charCodeAt(start) === 48)) return undefined;
    n = n * 256 + v;
    parts++;
    if (i === to) break;
    if (s.charCodeAt(i) !== 46 || parts === 4) return undefined;
    i++;
  }
  return parts === 4 ? n : undefined;
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** The 16-bit groups of one side of `::` (an IPv4 tail counts as two), or undefined. */
function groups(s: string, allowV4Tail: boolean): number[] | undefined {
  if (s === '') return [];
  const out: number[] = [];
  const parts = s.split(':');
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k]!;
    if (k === parts.length - 1 && allowV4Tail && p.includes('.')) {
      const v4 = parseV4(p);
      if (v4 === undefined) return undefined;
      out.push(Math.floor(v4 / 65536), v4 % 65536);
      continue;
    }
    if (p.length === 0 || p.length > 4) return undefined;
    let v = 0;
    for (let i = 0; i < p.length; i++) {
      const h = hexVal(p.charCodeAt(i));
      if (h < 0) return undefined;
      v = v * 16 + h;
    }
    out.push(v);
  }
  return out;
}

function parseV6(s: string): number[] | undefined {
  const pct = s.indexOf('%');
  const t = pct >= 0 ? s.slice(0, pct) : s;
  const dbl = t.indexOf('::');
  if (dbl >= 0) {
    if (t.indexOf('::', dbl + 1) >= 0) return undefined;
    const head = groups(t.slice(0, dbl), false);
    const tail = groups(t.slice(dbl + 2), true);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const all = groups(t, true);
  return all && all.length === 8 ? all : undefined;
}

/** Parses an IPv4 or IPv6 address (brackets allowed: `[::1]`); undefined when it is not one. */
export function parseIp(raw: string): Ip | undefined {
  const s = raw.length > 1 && raw.charCodeAt(0) === 91 && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  if (!s.includes(':')) {
    const v4 = parseV4(s);
    return v4 === undefined ? undefined : { v4: true, w: [0, 0, 0xffff, v4] };
  }
  const g = parseV6(s);
  if (!g) return undefined;
  const w: Ip['w'] = [g[0]! * 65536 + g[1]!, g[2]! * 65536 + g[3]!, g[4]! * 65536 + g[5]!, g[6]! * 65536 + g[7]!];
  return { v4: w[0] === 0 && w[1] === 0 && w[2] === 0xffff, w };
}

/** A network: address words masked to `bits` (IPv4 prefixes are stored as /96+n over ::ffff:0:0). */
interface Net {
  w: Ip['w'];
  bits: number;
  v4: boolean;
}

function maskWord(word: number, wordIndex: number, bits: number): number {
  const keep = Math.max(0, Math.min(32, bits - wordIndex * 32));
  if (keep === 0) return 0;
  if (keep === 32) return word;
  const m = (0xffffffff << (32 - keep)) >>> 0;
  return (word & m) >>> 0;
}

function inNet(ip: Ip, n: Net): boolean {
  for (let i = 0; i < 4; i++) if (maskWord(ip.w[i]!, i, n.bits) !== n.w[i]) return false;
  return true;
}

/** `10.0.0.0/8`, `fd00::/8`, or a bare address (a /32 or /128). Throws Error on a bad one. */
export function parseCidr(text: string): Net {
  const slash = text.indexOf('/');
  const addr = parseIp(slash >= 0 ? text.slice(0, slash) : text);
  if (!addr) throw new Error(`'${text}' is not an IP address or CIDR`);
  const max = addr.v4 ? 32 : 128;
  const lenText = slash >= 0 ? text.slice(slash + 1) : String(max);
  const len = /^\d{1,3}$/.test(lenText) ? Number(lenText) : NaN;
  if (!(len >= 0 && len <= max)) throw new Error(`'${text}': prefix length must be 0-${max}`);
  const bits = addr.v4 ? 96 + len : len;
  const w = addr.w.map((x, i) => maskWord(x, i, bits)) as Ip['w'];
  return { w, bits, v4: addr.v4 };
}

/** A predicate "the value is an address inside one of these networks", the networks parsed once. */
export function cidrSet(cidrs: readonly string[]): (value: string) => boolean {
  const nets = cidrs.map(parseCidr);
  return (value) => {
    const ip = parseIp(value);
    if (!ip) return false;
    for (const n of nets) if (inNet(ip, n)) return true;
    return false;
  };
}

/** Special ranges, most specific first; an address in none of them is `public`. */
const CLASSES: readonly [string, Net][] = (
  [
    ['unspecified', '0.0.0.0/8'],
    ['private', '10.0.0.0/8'],
    ['cgnat', '100.64.0.0/10'],
    ['loopback', '127.0.0.0/8'],
    ['link_local', '169.254.0.0/16'],
    ['private', '172.16.0.0/12'],
    ['private', '192.168.0.0/16'],
    ['multicast', '224.0.0.0/4'],
    ['reserved', '240.0.0.0/4'],
    ['unspecified', '::/128'],
    ['loopback', '::1/128'],
    ['private', 'fc00::/7'],
    ['link_local', 'fe80::/10'],
    ['multicast', 'ff00::/8'],
  ] as const
).map(([c, n]) => [c, parseCidr(n)]);

/**
 * The class of an address: `public`, `private` (RFC 1918, IPv6 ULA fc00::/7), `loopback`,
 * `link_local` (169.254/16, fe80::/10), `cgnat` (100.64/10), `unspecified`, `multicast`,
 * `reserved` (240/4), or `invalid` when the text is not an address.
 */
export function ipClass(value: string): string {
  const ip = parseIp(value);
  if (!ip) return 'invalid';
  for (const [c, n] of CLASSES) {
    // IPv4 ranges only classify IPv4 (and IPv4-mapped) addresses, IPv6 ranges the others
    if (n.v4 !== ip.v4) continue;
    if (inNet(ip, n)) return c;
  }
  return 'public';
}
