import { AwsClient } from "aws4fetch";
import { failed, unavailable } from "../errors/domain_error.ts";
import type { ArtifactBody, ArtifactInfo, ArtifactStore } from "./artifact_store.ts";
import { checkArtifactPath, checkArtifactPrefix } from "./artifact_path.ts";
import { parseListPage, xmlText } from "./s3_xml.ts";

/**
 * Options of {@link createS3ArtifactStore}. Unset credentials, region and endpoint are read from
 * the AWS SDK's environment variables (see shared/store/README.md).
 */
export interface S3ArtifactStoreOptions {
  bucket: string;
  /** `AWS_REGION`, `AWS_DEFAULT_REGION`, else `us-east-1`. */
  region?: string;
  /**
   * Service URL, e.g. `http://127.0.0.1:9000` (MinIO) or `https://<account>.r2.cloudflarestorage.com`.
   * `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, else AWS's `https://s3.<region>.amazonaws.com`.
   */
  endpoint?: string;
  /** `<endpoint>/<bucket>/<key>` instead of `<bucket>.<endpoint host>/<key>` (MinIO, Ceph). */
  forcePathStyle?: boolean;
  /** `AWS_ACCESS_KEY_ID`. */
  accessKeyId?: string;
  /** `AWS_SECRET_ACCESS_KEY`. */
  secretAccessKey?: string;
  /** `AWS_SESSION_TOKEN` (temporary credentials). */
  sessionToken?: string;
  /** Prepended to every object key (e.g. `edgeml/`), so one bucket can hold several stores. */
  keyPrefix?: string;
  /** Retries of a request answered 5xx or 429, with exponential backoff (default 2). */
  retries?: number;
  /** Keys per ListObjectsV2 page (default 1000, S3's maximum). */
  listPageSize?: number;
  /** Environment lookup for unset options (default `Deno.env.get`). */
  env?: (name: string) => string | undefined;
}

const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

const hex = (bytes: ArrayBuffer) =>
  Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");

/** RFC 3986 encoding of one key segment, as SigV4 canonicalises it. */
const encodeSegment = (segment: string) =>
  encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);

async function readBody(body: ArtifactBody): Promise<Uint8Array<ArrayBuffer>> {
  if (body instanceof Uint8Array) return new Uint8Array(body);
  return new Uint8Array(await new Response(body).arrayBuffer());
}

/**
 * An {@link ArtifactStore} on S3-compatible object storage (AWS S3, MinIO, Ceph RGW, Cloudflare
 * R2, …) with SigV4-signed requests (aws4fetch): PutObject, GetObject, HeadObject,
 * ListObjectsV2 and DeleteObject. A PutObject is atomic (an object appears whole or not at
 * all); a stream body is read into memory first, since PutObject needs its length (up to 5 GiB;
 * multipart upload is not implemented). Payloads are signed (`x-amz-content-sha256`), so the
 * service rejects a body damaged in transit.
 *
 * @example
 * ```ts
 * const artifacts = createS3ArtifactStore({
 *   bucket: "edgeml-artifacts",
 *   endpoint: "http://127.0.0.1:9000",
 *   forcePathStyle: true,
 * });
 * await artifacts.put("default/models/mlp/1/model.onnx", bytes);
 * ```
 */
export function createS3ArtifactStore(options: S3ArtifactStoreOptions): ArtifactStore {
  const env = options.env ?? ((name: string) => Deno.env.get(name));
  const region = options.region ?? env("AWS_REGION") ?? env("AWS_DEFAULT_REGION") ?? "us-east-1";
  const endpoint = new URL(
    options.endpoint ?? env("AWS_ENDPOINT_URL_S3") ?? env("AWS_ENDPOINT_URL") ??
      `https://s3.${region}.amazonaws.com`,
  );
  const accessKeyId = options.accessKeyId ?? env("AWS_ACCESS_KEY_ID");
  const secretAccessKey = options.secretAccessKey ?? env("AWS_SECRET_ACCESS_KEY");
  if (!accessKeyId || !secretAccessKey) {
    throw failed("s3_credentials_missing", "S3 artifact store: no access key id / secret key");
  }
  const client = new AwsClient({
    accessKeyId,
    secretAccessKey,
    sessionToken: options.sessionToken ?? env("AWS_SESSION_TOKEN"),
    service: "s3",
    region,
    retries: options.retries ?? 2,
  });
  const { bucket, forcePathStyle = false, keyPrefix = "", listPageSize = 1000 } = options;
  const origin = forcePathStyle
    ? endpoint.origin
    : `${endpoint.protocol}//${bucket}.${endpoint.host}`;
  const bucketPath = `${endpoint.pathname.replace(/\/$/, "")}${forcePathStyle ? `/${bucket}` : ""}`;
  const bucketUrl = `${origin}${bucketPath}/`;
  const objectUrl = (path: string) =>
    bucketUrl + `${keyPrefix}${checkArtifactPath(path)}`.split("/").map(encodeSegment).join("/");

  async function send(
    operation: string,
    path: string,
    url: string,
    init: RequestInit & { payloadHash?: string },
    missingOk = false,
  ): Promise<Response | undefined> {
    const { payloadHash = EMPTY_SHA256, ...rest } = init;
    const headers = new Headers(rest.headers);
    headers.set("x-amz-content-sha256", payloadHash);
    let response: Response;
    try {
      response = await client.fetch(url, { ...rest, headers });
    } catch (cause) {
      throw unavailable("artifact_store_unreachable", `S3 ${operation} ${path}: no response`, {
        cause,
      });
    }
    if (response.ok) return response;
    const text = await response.text();
    if (missingOk && response.status === 404) return undefined;
    const code = xmlText(text, "Code") ?? `HTTP ${response.status}`;
    const detail = `S3 ${operation} ${path}: ${response.status} ${code}`;
    if (response.status >= 500 || response.status === 429) {
      throw unavailable("artifact_store_unavailable", detail, { retryAfterSeconds: 1 });
    }
    throw failed("artifact_store_failed", detail);
  }

  async function put(path: string, body: ArtifactBody): Promise<void> {
    const url = objectUrl(path);
    const bytes = await readBody(body);
    const payloadHash = hex(await crypto.subtle.digest("SHA-256", bytes));
    const response = await send("PutObject", path, url, {
      method: "PUT",
      body: bytes,
      payloadHash,
    });
    await response?.body?.cancel();
  }

  async function getStream(path: string): Promise<ReadableStream<Uint8Array> | undefined> {
    const response = await send("GetObject", path, objectUrl(path), { method: "GET" }, true);
    return response?.body ?? undefined;
  }

  async function get(path: string): Promise<Uint8Array | undefined> {
    const response = await send("GetObject", path, objectUrl(path), { method: "GET" }, true);
    return response && new Uint8Array(await response.arrayBuffer());
  }

  async function stat(path: string): Promise<ArtifactInfo | undefined> {
    const response = await send("HeadObject", path, objectUrl(path), { method: "HEAD" }, true);
    if (!response) return undefined;
    await response.body?.cancel();
    return {
      path,
      size: Number(response.headers.get("content-length") ?? 0),
      modified: new Date(response.headers.get("last-modified") ?? 0),
    };
  }

  async function* list(prefix = ""): AsyncIterableIterator<ArtifactInfo> {
    checkArtifactPrefix(prefix);
    let token: string | undefined;
    do {
      const query = new URLSearchParams({
        "list-type": "2",
        prefix: keyPrefix + prefix,
        "max-keys": String(listPageSize),
      });
      if (token) query.set("continuation-token", token);
      const response = await send("ListObjectsV2", prefix, `${bucketUrl}?${query}`, {
        method: "GET",
      });
      const page = parseListPage(await response!.text());
      for (const object of page.objects) {
        yield {
          path: object.key.slice(keyPrefix.length),
          size: object.size,
          modified: object.lastModified,
        };
      }
      token = page.nextToken;
    } while (token);
  }

  async function remove(path: string): Promise<void> {
    const response = await send("DeleteObject", path, objectUrl(path), { method: "DELETE" });
    await response?.body?.cancel();
  }

  return { put, get, getStream, stat, list, delete: remove };
}
