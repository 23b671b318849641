/**
 * Refuses crawl targets on loopback, private, link-local and other non-public addresses (RFC
 * 6890's special-purpose registries), so a data source cannot be pointed at the deployment's
 * own network. An IP literal is checked as written; a host name is resolved (A and AAAA) and
 * refused when any of its addresses is special. The crawler calls it before every request,
 * redirects included.
 *
 * The check resolves the name itself, and `fetch` resolves it again: a DNS server that answers
 * differently within seconds (rebinding) is not stopped by this alone.
 * @module
 */
import { CrawlError } from "./crawl_error.ts";

/** Resolves a host name to its addresses (Deno.resolveDns for A and AAAA by default). */
export type ResolveHost = (hostname: string) => Promise<string[]>;

const V4_SPECIAL: [number, number][] = [
  [0x00000000, 8], // "this network"
  [0x0a000000, 8], // private
  [0x64400000, 10], // carrier-grade NAT
  [0x7f000000, 8], // loopback
  [0xa9fe0000, 16], // link-local (cloud metadata lives here)
  [0xac100000, 12], // private
  [0xc0000000, 24], // IETF protocol assignments
  [0xc0000200, 24], // documentation
  [0xc0a80000, 16], // private
  [0xc6120000, 15], // benchmarking
  [0xc6336400, 24], // documentation
  [0xcb007100, 24], // documentation
  [0xe0000000, 4], // multicast
  [0xf0000000, 4], // reserved and broadcast
];

function ipv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) < 256)) {
    return undefined;
  }
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function ipv6(text: string): number[] | undefined {
  let head = text.toLowerCase();
  const tail: number[] = [];
  const v4 = head.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (v4) {
    const n = ipv4(v4[2]);
    if (n === undefined) return undefined;
    head = v4[1].endsWith("::") ? v4[1] : v4[1].slice(0, -1);
    tail.push(n >>> 16, n & 0xffff);
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const hex = (s: string) => (s === "" ? [] : s.split(":").map((h) => parseInt(h, 16)));
  const left = hex(halves[0]);
  const right = [...(halves.length === 2 ? hex(halves[1]) : []), ...tail];
  const fill = 8 - left.length - right.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return undefined;
  const words = [...left, ...Array(fill).fill(0), ...right];
  return words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff) ? words : undefined;
}

/** Whether an IPv4 or IPv6 address is special-purpose; anything unparseable counts as special. */
export function isSpecialAddress(address: string): boolean {
  const v4 = ipv4(address);
  if (v4 !== undefined) {
    return V4_SPECIAL.some(([base, bits]) => (v4 >>> (32 - bits)) === (base >>> (32 - bits)));
  }
  const w = ipv6(address.replace(/^\[|\]$/g, "").replace(/%.*$/, ""));
  if (!w) return true;
  if (w.slice(0, 7).every((x) => x === 0) && w[7] <= 1) return true; // :: and ::1
  const embedded = (w[6] << 16 | w[7]) >>> 0;
  const dotted = [24, 16, 8, 0].map((s) => (embedded >>> s) & 255).join(".");
  if (w.slice(0, 5).every((x) => x === 0) && w[5] === 0xffff) return isSpecialAddress(dotted);
  if (w[0] === 0x64 && w[1] === 0xff9b && w.slice(2, 6).every((x) => x === 0)) {
    return isSpecialAddress(dotted); // NAT64
  }
  return (w[0] & 0xfe00) === 0xfc00 || // unique local
    (w[0] & 0xffc0) === 0xfe80 || // link-local
    (w[0] & 0xff00) === 0xff00 || // multicast
    w[0] === 0x2001 && w[1] === 0x0db8; // documentation
}

const resolveWithDns: ResolveHost = async (hostname) => {
  const lookups = await Promise.allSettled([
    Deno.resolveDns(hostname, "A"),
    Deno.resolveDns(hostname, "AAAA"),
  ]);
  return lookups.flatMap((r) => (r.status === "fulfilled" ? r.value : []));
};

/**
 * A check that throws a {@link CrawlError} `private_address` for a special target and
 * `dns_failed` for a name that does not resolve.
 *
 * @example
 * ```ts
 * const guard = addressGuard();
 * await guard(new URL("http://127.0.0.1:8080/")); // throws private_address
 * ```
 */
export function addressGuard(resolve: ResolveHost = resolveWithDns) {
  return async function checkAddress(url: URL): Promise<void> {
    const host = url.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
    const literal = ipv4(host) !== undefined || host.includes(":");
    if (host === "localhost" || host.endsWith(".localhost")) {
      throw new CrawlError("private_address", `${host} is a loopback name`);
    }
    const addresses = literal ? [host] : await resolve(host);
    if (addresses.length === 0) {
      throw new CrawlError("dns_failed", `${host} does not resolve`, true);
    }
    const special = addresses.find(isSpecialAddress);
    if (special !== undefined) {
      throw new CrawlError(
        "private_address",
        `${host} resolves to ${special}, a loopback, private or link-local address ` +
          "(set allowPrivateAddresses to crawl it)",
      );
    }
  };
}
