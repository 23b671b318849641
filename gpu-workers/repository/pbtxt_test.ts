import assert from "node:assert/strict";
import { domainErrorFrom } from "@edgeml/shared/testing";
import { parsePbtxt, toPbtxt } from "./pbtxt.ts";
import { REALISTIC_JSON, REALISTIC_PBTXT } from "./config_fixtures.ts";

Deno.test("pbtxt: a realistic Triton config reads as Triton's JSON", () => {
  assert.deepEqual(parsePbtxt(REALISTIC_PBTXT), REALISTIC_JSON);
});

Deno.test("pbtxt: a field repeated in the proto is a list even when it appears once", () => {
  assert.deepEqual(parsePbtxt("instance_group { count: 1 }\ninput { name: 'a' dims: 4 }"), {
    instance_group: [{ count: 1 }],
    input: [{ name: "a", dims: [4] }],
  });
  assert.deepEqual(parsePbtxt("dynamic_batching { }"), { dynamic_batching: {} });
  assert.deepEqual(parsePbtxt(""), {});
  assert.deepEqual(parsePbtxt("# only a comment\n"), {});
});

Deno.test("pbtxt: repetition and list syntax add up; empty lists", () => {
  assert.deepEqual(
    parsePbtxt("dynamic_batching { preferred_batch_size: 2 preferred_batch_size: [4, 8] }"),
    { dynamic_batching: { preferred_batch_size: [2, 4, 8] } },
  );
  assert.deepEqual(parsePbtxt("input { name: 'a' dims: [] }"), {
    input: [{ name: "a", dims: [] }],
  });
  assert.deepEqual(parsePbtxt("instance_group: []"), { instance_group: [] });
});

Deno.test("pbtxt: strings, escapes and concatenation", () => {
  const parsed = parsePbtxt(
    String.raw`name: "a\"b" 'c\'d' "\n\t\\" "\x41\101\u00e9\303\251" "€"`,
  );
  assert.equal(parsed.name, "a\"bc'd\n\t\\AAéé€");
});

Deno.test("pbtxt: numbers: negative, hex, octal, floats, inf; bools; enum numbers", () => {
  assert.deepEqual(
    parsePbtxt(
      "input { name: 'a' data_type: 11 dims: [-1, 0x10, 010, 0] is_shape_tensor: 1 optional: f }",
    ),
    {
      input: [{
        name: "a",
        data_type: "TYPE_FP32",
        dims: [-1, 16, 8, 0],
        is_shape_tensor: true,
        optional: false,
      }],
    },
  );
  assert.deepEqual(
    parsePbtxt(
      "sequence_batching { direct { minimum_slot_utilization: 0.5 } }\n" +
        "model_metrics { metric_control { histogram_options { buckets: [1e-3, .5, 2.5f, -inf, 7] } } }",
    ),
    {
      sequence_batching: { direct: { minimum_slot_utilization: 0.5 } },
      model_metrics: {
        metric_control: [{ histogram_options: { buckets: [0.001, 0.5, 2.5, -Infinity, 7] } }],
      },
    },
  );
});

Deno.test("pbtxt: angle-bracket messages and uint64 map keys", () => {
  assert.deepEqual(
    parsePbtxt(
      "dynamic_batching < priority_queue_policy { key: 1 value { max_queue_size: 4 } } >",
    ),
    { dynamic_batching: { priority_queue_policy: { "1": { max_queue_size: 4 } } } },
  );
});

function errorAt(text: string, line: number, column: number, pattern: RegExp) {
  const err = domainErrorFrom(() => parsePbtxt(text), "unprocessable", "invalid_model_config");
  assert.match(err.detail, new RegExp(`^config\\.pbtxt:${line}:${column}: `), err.detail);
  assert.match(err.detail, pattern);
  assert.deepEqual(err.extra, { line, column });
}

Deno.test("pbtxt: errors carry line:column and say what is wrong", () => {
  errorAt(
    "max_batch_size: 8\ndynamic_batching {\n  max_queue_delay_us: 100\n}",
    3,
    3,
    /unknown field 'max_queue_delay_us' in 'dynamic_batching'.*did you mean 'max_queue_delay_microseconds'/,
  );
  errorAt("bogus: 1", 1, 1, /unknown field 'bogus'/);
  errorAt("max_batch_size: 8\nmax_batch_size: 9", 2, 1, /given twice/);
  errorAt('max_batch_size: "8"', 1, 17, /takes a int32 value/);
  errorAt("max_batch_size: 8.5", 1, 17, /integer/);
  errorAt("max_batch_size: 99999999999", 1, 17, /out of range/);
  errorAt("instance_group { kind: KIND_TPU }", 1, 24, /KIND_AUTO, KIND_GPU, KIND_CPU, KIND_MODEL/);
  errorAt('name: "abc', 1, 7, /unterminated string/);
  errorAt(
    "dynamic_batching {\n  preferred_batch_size: 4\n",
    3,
    1,
    /expected '}' before end of file/,
  );
  errorAt("max_batch_size 8", 1, 16, /expected ':' or '\{' after field name 'max_batch_size'/);
  errorAt("dynamic_batching: 5", 1, 19, /is a message/);
  errorAt("name { }", 1, 6, /takes a string value, not a message/);
  errorAt("name: 'a\\qb'", 1, 9, /unknown escape/);
  errorAt("max_batch_size: 8 @", 1, 19, /unexpected character '@'/);
  errorAt(
    "parameters { key: 'k' value { string_value: 'v' } extra: 1 }",
    1,
    51,
    /only 'key' and 'value'/,
  );
  errorAt("version_policy { latest {} all {} }", 1, 28, /exclude each other/);
  errorAt("max_batch_size: 12abc", 1, 17, /malformed number/);
  errorAt("input [ { name: 'a' }, ]", 1, 24, /expected a value/);
});

Deno.test("toPbtxt: parse(write(x)) gives x back", () => {
  const text = toPbtxt(REALISTIC_JSON);
  assert.deepEqual(parsePbtxt(text), REALISTIC_JSON);
  const awkward = {
    name: 'we"ird\\name\n\u0001é',
    dynamic_batching: {
      max_queue_delay_microseconds: "250",
      priority_queue_policy: { "2": { timeout_action: "DELAY" } },
    },
    version_policy: { all: {} },
  };
  assert.deepEqual(parsePbtxt(toPbtxt(awkward)), {
    ...awkward,
    dynamic_batching: { ...awkward.dynamic_batching, max_queue_delay_microseconds: 250 },
  });
  assert.throws(() => toPbtxt({ bogus: 1 }), /bogus/);
});
