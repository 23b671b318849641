import assert from "node:assert/strict";
import { addressGuard, isSpecialAddress } from "./address_guard.ts";

Deno.test("isSpecialAddress: loopback, private, link-local and mapped forms are special", () => {
  for (
    const a of [
      "127.0.0.1",
      "127.255.0.9",
      "10.1.2.3",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "224.0.0.1",
      "255.255.255.255",
      "::1",
      "::",
      "[::1]",
      "fc00::1",
      "fd12:3456::1",
      "fe80::1%eth0",
      "::ffff:127.0.0.1",
      "::ffff:7f00:1",
      "64:ff9b::a00:1",
      "not an address",
    ]
  ) assert.equal(isSpecialAddress(a), true, a);
  for (
    const a of ["8.8.8.8", "93.184.216.34", "172.32.0.1", "192.169.0.1", "2606:4700::1111"]
  ) assert.equal(isSpecialAddress(a), false, a);
});

Deno.test("addressGuard: literals, loopback names and resolved names", async () => {
  const names: Record<string, string[]> = {
    "public.test": ["93.184.216.34"],
    "rebind.test": ["93.184.216.34", "10.0.0.5"],
  };
  const guard = addressGuard((host) => Promise.resolve(names[host] ?? []));
  await guard(new URL("http://public.test/a"));
  await guard(new URL("http://93.184.216.34/"));
  for (
    const [url, code] of [
      ["http://127.0.0.1:8080/", "private_address"],
      ["http://2130706433/", "private_address"], // the URL parser makes this 127.0.0.1
      ["http://[::ffff:127.0.0.1]/", "private_address"],
      ["http://localhost/", "private_address"],
      ["http://rebind.test/", "private_address"],
      ["http://missing.test/", "dns_failed"],
    ]
  ) {
    await assert.rejects(guard(new URL(url)), { code }, url);
  }
});
