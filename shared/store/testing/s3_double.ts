/**
 * A test double of an S3-compatible service: an in-memory bucket behind `Deno.serve` on a
 * random loopback port, answering just PutObject, GetObject, HeadObject, ListObjectsV2 and
 * DeleteObject (path-style URLs). Every request must carry a valid AWS Signature V4 for the
 * double's credentials and region, checked here from the spec (canonical request, string to
 * sign, HMAC key chain) independently of the client's signer; a signed payload hash must match
 * the body. Not a real S3: no versioning, ACLs, multipart or virtual-hosted URLs.
 *
 * @module
 */

export interface S3DoubleOptions {
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface S3Double extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  objects: Map<string, { bytes: Uint8Array<ArrayBuffer>; modified: Date }>;
  /** Every request seen: method, path + query and the result status. */
  log: { method: string; target: string; status: number }[];
  /** Answers the next `count` requests with `status` (e.g. 503) before checking anything. */
  failNext(status: number, count?: number): void;
  close(): Promise<void>;
}

const encoder = new TextEncoder();
const hex = (bytes: ArrayBuffer) =>
  Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
const sha256 = async (data: Uint8Array<ArrayBuffer> | string) =>
  hex(
    await crypto.subtle.digest("SHA-256", typeof data === "string" ? encoder.encode(data) : data),
  );

async function hmac(key: Uint8Array | string, text: string): Promise<Uint8Array> {
  const raw = typeof key === "string" ? encoder.encode(key) : key;
  const cryptoKey = await crypto.subtle.importKey(
    "raw",
    raw as Uint8Array<ArrayBuffer>,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(text)));
}

const rfc3986 = (text: string) =>
  encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

/** Why a request's signature is refused (an S3 error code), or `undefined` when it is valid. */
async function signatureProblem(
  request: Request,
  body: Uint8Array<ArrayBuffer>,
  { region, accessKeyId, secretAccessKey }: S3DoubleOptions,
): Promise<string | undefined> {
  const match = (request.headers.get("authorization") ?? "").match(AUTH);
  if (!match) return "AccessDenied";
  const [, keyId, date, scopeRegion, signedHeaders, signature] = match;
  if (keyId !== accessKeyId) return "InvalidAccessKeyId";
  const amzDate = request.headers.get("x-amz-date") ?? "";
  if (scopeRegion !== region || !amzDate.startsWith(date)) return "AuthorizationHeaderMalformed";
  const names = signedHeaders.split(";");
  if (!["host", "x-amz-date", "x-amz-content-sha256"].every((h) => names.includes(h))) {
    return "AccessDenied";
  }
  const payloadHash = request.headers.get("x-amz-content-sha256") ?? "";
  if (payloadHash !== "UNSIGNED-PAYLOAD" && payloadHash !== await sha256(body)) {
    return "XAmzContentSHA256Mismatch";
  }
  const url = new URL(request.url);
  const query = [...url.searchParams]
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .sort()
    .join("&");
  const headers = names
    .map((name) => `${name}:${(request.headers.get(name) ?? "").trim().replace(/\s+/g, " ")}\n`)
    .join("");
  const canonical = [request.method, url.pathname, query, headers, signedHeaders, payloadHash]
    .join("\n");
  const scope = `${date}/${region}/s3/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, await sha256(canonical)].join("\n");
  let key = await hmac(`AWS4${secretAccessKey}`, date);
  for (const part of [region, "s3", "aws4_request"]) key = await hmac(key, part);
  const expected = hex((await hmac(key, toSign)).buffer as ArrayBuffer);
  return expected === signature ? undefined : "SignatureDoesNotMatch";
}

const xmlEscape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const errorResponse = (status: number, code: string) =>
  new Response(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code></Error>`, {
    status,
    headers: { "content-type": "application/xml" },
  });

/** Starts the double; close it (or `await using` it) at the end of the test. */
export function startS3Double(options: S3DoubleOptions): S3Double {
  const objects: S3Double["objects"] = new Map();
  const log: S3Double["log"] = [];
  let failures: number[] = [];

  function listObjects(url: URL): Response {
    const prefix = url.searchParams.get("prefix") ?? "";
    const maxKeys = Number(url.searchParams.get("max-keys") ?? 1000);
    const after = url.searchParams.get("continuation-token") ?? "";
    const keys = [...objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
    const page = keys.slice(0, maxKeys);
    const truncated = keys.length > page.length;
    const contents = page.map((key) => {
      const { bytes, modified } = objects.get(key)!;
      return `<Contents><Key>${xmlEscape(key)}</Key><LastModified>${modified.toISOString()}` +
        `</LastModified><Size>${bytes.byteLength}</Size></Contents>`;
    });
    const next = truncated
      ? `<NextContinuationToken>${xmlEscape(page.at(-1)!)}</NextContinuationToken>`
      : "";
    return new Response(
      `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult><Name>${options.bucket}</Name>` +
        `<Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount>` +
        `<IsTruncated>${truncated}</IsTruncated>${contents.join("")}${next}</ListBucketResult>`,
      { headers: { "content-type": "application/xml" } },
    );
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const failure = failures.shift();
    if (failure !== undefined) return errorResponse(failure, "InternalError");
    const body = new Uint8Array(await request.arrayBuffer());
    const problem = await signatureProblem(request, body, options);
    if (problem) return errorResponse(403, problem);
    const [, bucket, ...segments] = url.pathname.split("/");
    if (bucket !== options.bucket) return errorResponse(404, "NoSuchBucket");
    const key = segments.map(decodeURIComponent).join("/");
    if (key === "") {
      if (request.method === "GET" && url.searchParams.get("list-type") === "2") {
        return listObjects(url);
      }
      return errorResponse(501, "NotImplemented");
    }
    const object = objects.get(key);
    switch (request.method) {
      case "PUT":
        objects.set(key, { bytes: body, modified: new Date() });
        return new Response(null, { headers: { etag: `"${await sha256(body)}"` } });
      case "GET":
      case "HEAD":
        if (!object) return errorResponse(404, "NoSuchKey");
        return new Response(request.method === "GET" ? object.bytes : null, {
          headers: {
            "content-length": String(object.bytes.byteLength),
            "last-modified": object.modified.toUTCString(),
          },
        });
      case "DELETE":
        objects.delete(key);
        return new Response(null, { status: 204 });
      default:
        return errorResponse(405, "MethodNotAllowed");
    }
  }

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const response = await handle(req);
    const url = new URL(req.url);
    log.push({ method: req.method, target: url.pathname + url.search, status: response.status });
    return response;
  });
  const close = () => server.shutdown();
  return {
    endpoint: `http://127.0.0.1:${server.addr.port}`,
    objects,
    log,
    failNext(status, count = 1) {
      failures = [...failures, ...Array(count).fill(status)];
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
