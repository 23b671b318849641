/**
 * The S3 store against a test double of an S3-compatible service (testing/s3_double.ts: an
 * in-memory bucket on a random loopback port that checks every SigV4 signature), not a real S3.
 */
import assert from "node:assert/strict";
import { DomainError } from "../errors/domain_error.ts";
import { createS3ArtifactStore, type S3ArtifactStoreOptions } from "./s3_artifact_store.ts";
import { artifactStoreContract } from "./testing/artifact_store_contract.ts";
import { startS3Double } from "./testing/s3_double.ts";

const CREDENTIALS = {
  bucket: "edgeml-test",
  region: "eu-central-1",
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};

const noEnv = () => undefined;

function storeFor(endpoint: string, options: Partial<S3ArtifactStoreOptions> = {}) {
  return createS3ArtifactStore({
    ...CREDENTIALS,
    endpoint,
    forcePathStyle: true,
    retries: 0,
    env: noEnv,
    ...options,
  });
}

artifactStoreContract("S3 artifact store", () => {
  const double = startS3Double(CREDENTIALS);
  // A tiny page size, so listing crosses ListObjectsV2 continuation tokens.
  const store = storeFor(double.endpoint, { listPageSize: 2 });
  return Promise.resolve({ store, close: () => double.close() });
});

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("S3 artifact store: speaks the five S3 operations, path-style, under the key prefix", async () => {
  await using double = startS3Double(CREDENTIALS);
  const store = storeFor(double.endpoint, { keyPrefix: "edgeml/" });
  await store.put("default/m/model.onnx", bytes("onnx"));
  await store.stat("default/m/model.onnx");
  await store.get("default/m/model.onnx");
  await Array.fromAsync(store.list("default/"));
  await store.delete("default/m/model.onnx");
  assert.deepEqual(double.log.map((r) => `${r.method} ${r.target} ${r.status}`), [
    "PUT /edgeml-test/edgeml/default/m/model.onnx 200",
    "HEAD /edgeml-test/edgeml/default/m/model.onnx 200",
    "GET /edgeml-test/edgeml/default/m/model.onnx 200",
    "GET /edgeml-test/?list-type=2&prefix=edgeml%2Fdefault%2F&max-keys=1000 200",
    "DELETE /edgeml-test/edgeml/default/m/model.onnx 204",
  ]);
});

Deno.test("S3 artifact store: stored under the prefixed key, listed without it", async () => {
  await using double = startS3Double(CREDENTIALS);
  const store = storeFor(double.endpoint, { keyPrefix: "edgeml/" });
  await store.put("default/a.json", bytes("{}"));
  assert.deepEqual([...double.objects.keys()], ["edgeml/default/a.json"]);
  assert.deepEqual((await Array.fromAsync(store.list())).map((i) => i.path), ["default/a.json"]);
});

Deno.test("S3 artifact store: a wrong secret or region is refused by the signature check", async () => {
  await using double = startS3Double(CREDENTIALS);
  const isRefused = (code: string) => (e: unknown) =>
    e instanceof DomainError && e.kind === "failed" && e.code === "artifact_store_failed" &&
    e.detail.includes(`403 ${code}`) && !e.detail.includes(CREDENTIALS.secretAccessKey);
  const wrongSecret = storeFor(double.endpoint, { secretAccessKey: "not-the-secret" });
  await assert.rejects(wrongSecret.put("a", bytes("x")), isRefused("SignatureDoesNotMatch"));
  const wrongRegion = storeFor(double.endpoint, { region: "us-east-1" });
  await assert.rejects(wrongRegion.get("a"), isRefused("AuthorizationHeaderMalformed"));
  const wrongKey = storeFor(double.endpoint, { accessKeyId: "AKIDOTHER" });
  await assert.rejects(wrongKey.get("a"), isRefused("InvalidAccessKeyId"));
  assert.equal(double.objects.size, 0);
});

Deno.test("S3 artifact store: 5xx is unavailable (retryable), after the configured retries", async () => {
  await using double = startS3Double(CREDENTIALS);
  await assert.rejects(
    (double.failNext(503), storeFor(double.endpoint).put("a", bytes("x"))),
    (e: unknown) => e instanceof DomainError && e.kind === "unavailable",
  );
  double.failNext(500, 2);
  await storeFor(double.endpoint, { retries: 2 }).put("a", bytes("x"));
  assert.deepEqual(double.log.map((r) => r.status), [503, 500, 500, 200]);
});

Deno.test("S3 artifact store: credentials come from the AWS environment variables", async () => {
  await using double = startS3Double(CREDENTIALS);
  const env: Record<string, string> = {
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_REGION: CREDENTIALS.region,
    AWS_ENDPOINT_URL_S3: double.endpoint,
  };
  const store = createS3ArtifactStore({
    bucket: CREDENTIALS.bucket,
    forcePathStyle: true,
    env: (name) => env[name],
  });
  await store.put("from-env", bytes("ok"));
  assert.equal(new TextDecoder().decode(await store.get("from-env")), "ok");
  assert.throws(
    () => createS3ArtifactStore({ bucket: "b", env: noEnv }),
    (e: unknown) => e instanceof DomainError && e.code === "s3_credentials_missing",
  );
});

Deno.test("S3 artifact store: an unreachable endpoint is unavailable", async () => {
  const double = startS3Double(CREDENTIALS);
  const endpoint = double.endpoint;
  await double.close();
  await assert.rejects(
    storeFor(endpoint).get("a"),
    (e: unknown) => e instanceof DomainError && e.code === "artifact_store_unreachable",
  );
});
