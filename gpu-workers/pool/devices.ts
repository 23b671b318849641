/** Which GPUs this host has: `EDGEML_GPUS` ("0,1" or "none") wins, else nvidia-smi, else none. */
export async function detectGpus(): Promise<number[]> {
  const configured = Deno.env.get("EDGEML_GPUS");
  if (configured !== undefined) {
    if (configured.trim() === "" || configured === "none") return [];
    return configured.split(",").map((s) => Number(s.trim())).filter(Number.isInteger);
  }
  try {
    const out = await new Deno.Command("nvidia-smi", {
      args: ["--query-gpu=index", "--format=csv,noheader"],
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!out.success) return [];
    return new TextDecoder().decode(out.stdout).split("\n").map((s) => s.trim()).filter(Boolean)
      .map(Number).filter(Number.isInteger);
  } catch {
    return []; // No driver tools: a CPU host.
  }
}
