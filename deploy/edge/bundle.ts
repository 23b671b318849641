/**
 * Bundles an edge entry point into one JavaScript file with `deno bundle` (esbuild inside), as
 * Deno Deploy and other edge runtimes take it, and says whether it stays edge-safe: no
 * onnxruntime-node (a native add-on) and no `node:fs` (edge runtimes have no writable disk).
 *
 * `deno run -A deploy/edge/bundle.ts services/gateway/mod.ts out/gateway.js`
 */

/** The entry points that must bundle for the edge: the gateway, each service's edge app, and
 * the shared modules edge apps build on. */
export async function edgeEntryPoints(root: URL): Promise<string[]> {
  const entries = [
    "services/gateway/mod.ts",
    "shared/contracts/mod.ts",
    "shared/http/mod.ts",
    "shared/errors/mod.ts",
    "shared/onnx/mod.ts",
    "shared/swa/mod.ts",
    "gpu-workers/client/oip_client.ts",
  ];
  for await (const service of Deno.readDir(new URL("services/", root))) {
    const edge = `services/${service.name}/edge/mod.ts`;
    try {
      await Deno.stat(new URL(edge, root));
      entries.push(edge);
    } catch {
      // no edge app (yet) in this service
    }
  }
  return entries;
}

/** What an edge bundle must not contain, with the reason. */
export const FORBIDDEN: ReadonlyArray<[RegExp, string]> = [
  [/onnxruntime-node|onnxruntime_binding/, "onnxruntime-node (a native add-on)"],
  [/["'](?:node:)?fs(?:\/promises)?["']/, "node:fs (no filesystem at the edge)"],
  [/Deno\.(?:writeFile|writeTextFile|open|mkdir|remove|rename)\b/, "Deno file writes"],
];

/** Bundles `entry` (a path relative to `root`) and lists the forbidden things in the bundle. */
export async function bundleEdge(
  root: URL,
  entry: string,
  output: string,
): Promise<{ bytes: number; violations: string[] }> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--platform=deno", "--packages=bundle", "-o", output, entry],
    cwd: root,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(`deno bundle ${entry} failed: ${new TextDecoder().decode(stderr)}`);
  }
  const text = await Deno.readTextFile(output);
  const violations = FORBIDDEN.filter(([pattern]) => pattern.test(text)).map(([, why]) => why);
  return { bytes: text.length, violations };
}

if (import.meta.main) {
  const [entry, output] = Deno.args;
  if (!entry || !output) {
    console.error("usage: deno run -A deploy/edge/bundle.ts <entry.ts> <out.js>");
    Deno.exit(2);
  }
  const root = new URL("../../", import.meta.url);
  const { bytes, violations } = await bundleEdge(root, entry, output);
  console.log(JSON.stringify({ entry, output, bytes, violations }));
  Deno.exit(violations.length === 0 ? 0 : 1);
}
