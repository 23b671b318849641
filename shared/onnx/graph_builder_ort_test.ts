/**
 * Runs builder-made graphs in onnxruntime (CPU) and compares them with the operators' ONNX
 * definitions computed by hand in plain loops (float64).
 */
import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { createGraphBuilder } from "./graph_builder.ts";
import { assertClose, f32, runModel, seededFloats } from "./testing.ts";

type Matrix = { data: ArrayLike<number>; rows: number; cols: number };

/** `alpha * op(A) op(B) + beta * C`, C broadcast as a row vector. */
function gemmRef(
  a: Matrix,
  b: Matrix,
  c: ArrayLike<number> | undefined,
  { alpha = 1, beta = 1, transA = false, transB = false } = {},
): number[] {
  const m = transA ? a.cols : a.rows;
  const k = transA ? a.rows : a.cols;
  const n = transB ? b.rows : b.cols;
  const at = (i: number, p: number) => (transA ? a.data[p * a.cols + i] : a.data[i * a.cols + p]);
  const bt = (p: number, j: number) => (transB ? b.data[j * b.cols + p] : b.data[p * b.cols + j]);
  const out: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += at(i, p) * bt(p, j);
      out.push(alpha * sum + (c ? beta * c[j] : 0));
    }
  }
  return out;
}

const relu = (v: number) => Math.max(0, v);
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

Deno.test("Gemm (alpha, beta, transB) + Relu match the definition", async () => {
  const [m, k, n] = [3, 5, 4];
  const aData = seededFloats(1, m * k);
  const wData = seededFloats(2, n * k); // stored [n, k], used transposed
  const cData = seededFloats(3, n);
  const b = createGraphBuilder("gemm");
  const a = b.input("a", "float32", [-1, k]);
  const w = b.initializer("w", wData, [n, k]);
  const c = b.initializer("c", cData, [n]);
  const y = b.relu(b.gemm(a, w, c, { alpha: 0.5, beta: 2, transB: true }));
  b.output(y, "y", "float32", [-1, n]);
  const out = await runModel(b.build(), { a: f32(aData, [m, k]) });
  const expected = gemmRef(
    { data: aData, rows: m, cols: k },
    { data: wData, rows: n, cols: k },
    cData,
    { alpha: 0.5, beta: 2, transB: true },
  ).map(relu);
  assert.deepEqual(out.y.dims, [m, n]);
  assertClose(out.y.data as Float32Array, expected);
});

Deno.test("Gemm with transA and without C", async () => {
  const aData = seededFloats(4, 6); // stored [3, 2], used as [2, 3]
  const bData = seededFloats(5, 3 * 2);
  const b = createGraphBuilder("gemm_ta");
  const a = b.input("a", "float32", [3, 2]);
  b.output(b.gemm(a, b.constant(bData, [3, 2]), undefined, { transA: true }), "y", "float32", [
    2,
    2,
  ]);
  const out = await runModel(b.build(), { a: f32(aData, [3, 2]) });
  const expected = gemmRef(
    { data: aData, rows: 3, cols: 2 },
    { data: bData, rows: 3, cols: 2 },
    undefined,
    { transA: true },
  );
  assertClose(out.y.data as Float32Array, expected);
});

Deno.test("MatMul, Add (broadcast), Mul, Sigmoid and Tanh match the definitions", async () => {
  const [m, k, n] = [2, 3, 4];
  const xData = seededFloats(6, m * k);
  const wData = seededFloats(7, k * n);
  const biasData = seededFloats(8, n);
  const scaleData = seededFloats(9, m * n, 0.5, 2);
  const b = createGraphBuilder("elementwise");
  const x = b.input("x", "float32", [m, k]);
  const z = b.add(b.matmul(x, b.initializer("w", wData, [k, n])), b.initializer("bias", biasData));
  const s = b.mul(b.sigmoid(z), b.initializer("scale", scaleData, [m, n]));
  b.output(s, "s", "float32", [m, n]);
  b.output(b.tanh(z), "t", "float32", [m, n]);
  const out = await runModel(b.build(), { x: f32(xData, [m, k]) });
  const zRef = gemmRef(
    { data: xData, rows: m, cols: k },
    { data: wData, rows: k, cols: n },
    biasData,
  );
  assertClose(out.s.data as Float32Array, zRef.map((v, i) => sigmoid(v) * scaleData[i]));
  assertClose(out.t.data as Float32Array, zRef.map(Math.tanh));
});

Deno.test("BatchNormalization (inference) matches the definition", async () => {
  const [n, c, h, w] = [2, 3, 2, 2];
  const xData = seededFloats(10, n * c * h * w, -3, 3);
  const scale = seededFloats(11, c, 0.5, 1.5);
  const bias = seededFloats(12, c);
  const mean = seededFloats(13, c);
  const variance = seededFloats(14, c, 0.1, 2);
  const epsilon = 1e-3;
  const b = createGraphBuilder("bn");
  const x = b.input("x", "float32", [-1, c, h, w]);
  const y = b.batchNormalization(
    x,
    b.initializer("bn.scale", scale),
    b.initializer("bn.bias", bias),
    b.initializer("bn.mean", mean),
    b.initializer("bn.var", variance),
    { epsilon, momentum: 0.9 },
  );
  b.output(y, "y", "float32", [-1, c, h, w]);
  const out = await runModel(b.build(), { x: f32(xData, [n, c, h, w]) });
  const expected = Array.from(xData, (v, i) => {
    const ch = Math.floor(i / (h * w)) % c;
    return (scale[ch] * (v - mean[ch])) / Math.sqrt(variance[ch] + epsilon) + bias[ch];
  });
  assertClose(out.y.data as Float32Array, expected);
});

Deno.test("Softmax along axis 1 of a 3-D tensor matches the definition", async () => {
  const dims = [2, 3, 4];
  const xData = seededFloats(15, 24, -4, 4);
  const b = createGraphBuilder("softmax");
  b.output(b.softmax(b.input("x", "float32", dims), { axis: 1 }), "y", "float32", dims);
  const out = await runModel(b.build(), { x: f32(xData, dims) });
  const expected = new Array<number>(24);
  for (let i = 0; i < 2; i++) {
    for (let k = 0; k < 4; k++) {
      const idx = [0, 1, 2].map((j) => i * 12 + j * 4 + k);
      const total = idx.reduce((s, p) => s + Math.exp(xData[p]), 0);
      for (const p of idx) expected[p] = Math.exp(xData[p]) / total;
    }
  }
  assertClose(out.y.data as Float32Array, expected);
});

/** NCHW grouped 2-D convolution with zero padding. */
function conv2dRef(
  x: ArrayLike<number>,
  [n, c, h, w]: number[],
  weight: ArrayLike<number>,
  [m, cg, kh, kw]: number[],
  bias: ArrayLike<number>,
  { strides: [sh, sw], pads: [pt, pl, pb, pr], group }: {
    strides: number[];
    pads: number[];
    group: number;
  },
): { data: number[]; dims: number[] } {
  const oh = Math.floor((h + pt + pb - kh) / sh) + 1;
  const ow = Math.floor((w + pl + pr - kw) / sw) + 1;
  const mPerGroup = m / group;
  const data: number[] = [];
  for (let b = 0; b < n; b++) {
    for (let o = 0; o < m; o++) {
      const g = Math.floor(o / mPerGroup);
      for (let y = 0; y < oh; y++) {
        for (let z = 0; z < ow; z++) {
          let sum = bias[o];
          for (let ci = 0; ci < cg; ci++) {
            for (let i = 0; i < kh; i++) {
              for (let j = 0; j < kw; j++) {
                const yy = y * sh - pt + i;
                const zz = z * sw - pl + j;
                if (yy < 0 || yy >= h || zz < 0 || zz >= w) continue;
                const xv = x[((b * c + g * cg + ci) * h + yy) * w + zz];
                sum += xv * weight[((o * cg + ci) * kh + i) * kw + j];
              }
            }
          }
          data.push(sum);
        }
      }
    }
  }
  return { data, dims: [n, m, oh, ow] };
}

/** NCHW 2-D max pooling; padding never wins. */
function maxPoolRef(
  x: ArrayLike<number>,
  [n, c, h, w]: number[],
  [kh, kw]: number[],
  [sh, sw]: number[],
  [pt, pl, pb, pr]: number[],
): { data: number[]; dims: number[] } {
  const oh = Math.floor((h + pt + pb - kh) / sh) + 1;
  const ow = Math.floor((w + pl + pr - kw) / sw) + 1;
  const data: number[] = [];
  for (let b = 0; b < n * c; b++) {
    for (let y = 0; y < oh; y++) {
      for (let z = 0; z < ow; z++) {
        let best = -Infinity;
        for (let i = 0; i < kh; i++) {
          for (let j = 0; j < kw; j++) {
            const yy = y * sh - pt + i;
            const zz = z * sw - pl + j;
            if (yy >= 0 && yy < h && zz >= 0 && zz < w) {
              best = Math.max(best, x[(b * h + yy) * w + zz]);
            }
          }
        }
        data.push(best);
      }
    }
  }
  return { data, dims: [n, c, oh, ow] };
}

Deno.test("Conv (strides, pads, group) → MaxPool → GlobalAveragePool → Flatten", async () => {
  const xDims = [2, 4, 7, 6];
  const wDims = [6, 2, 3, 3]; // 6 output channels, group 2 → 2 input channels per group
  const xData = seededFloats(16, 2 * 4 * 7 * 6);
  const wData = seededFloats(17, 6 * 2 * 3 * 3);
  const biasData = seededFloats(18, 6);
  const convOptions = { strides: [2, 1], pads: [1, 0, 1, 2], group: 2 };
  const poolKernel = [2, 2];
  const poolStrides = [2, 2];
  const poolPads = [0, 0, 1, 1];

  const b = createGraphBuilder("cnn");
  const x = b.input("x", "float32", [-1, 4, 7, 6]);
  const conv = b.conv(x, b.initializer("w", wData, wDims), b.initializer("b", biasData), {
    kernelShape: [3, 3],
    ...convOptions,
  });
  const pooled = b.maxPool(conv, { kernelShape: poolKernel, strides: poolStrides, pads: poolPads });
  const gap = b.globalAveragePool(pooled);
  const flat = b.flatten(gap);
  b.output(conv, "conv", "float32", [-1, 6, 4, 6]);
  b.output(pooled, "pooled", "float32", [-1, 6, 2, 3]);
  b.output(flat, "features", "float32", [-1, 6]);
  const out = await runModel(b.build(), { x: f32(xData, xDims) });

  const convRef = conv2dRef(xData, xDims, wData, wDims, biasData, convOptions);
  assert.deepEqual(convRef.dims, [2, 6, 4, 6]); // H: (7+2-3)/2+1, W: (6+2-3)/1+1
  assert.deepEqual(out.conv.dims, convRef.dims);
  assertClose(out.conv.data as Float32Array, convRef.data, 1e-5, "conv");

  const poolRef = maxPoolRef(convRef.data, convRef.dims, poolKernel, poolStrides, poolPads);
  assert.deepEqual(out.pooled.dims, poolRef.dims);
  assertClose(out.pooled.data as Float32Array, poolRef.data, 1e-5, "maxpool");

  const [, , ph, pw] = poolRef.dims;
  const gapRef = Array.from({ length: 12 }, (_, i) => {
    const plane = poolRef.data.slice(i * ph * pw, (i + 1) * ph * pw);
    return plane.reduce((s, v) => s + v, 0) / plane.length;
  });
  assert.deepEqual(out.features.dims, [2, 6]);
  assertClose(out.features.data as Float32Array, gapRef, 1e-5, "gap");
});

Deno.test("Reshape, Concat and Identity move data as specified", async () => {
  const aData = seededFloats(19, 6);
  const bData = seededFloats(20, 4);
  const b = createGraphBuilder("shapes");
  const a = b.input("a", "float32", [6]);
  const c = b.input("c", "float32", [2, 2]);
  const reshaped = b.reshape(a, [2, -1]); // [2, 3]
  const joined = b.concat([reshaped, b.identity(c)], { axis: 1 }); // [2, 5]
  const back = b.reshape(joined, [0, 5, 1]); // 0 copies dim 0
  b.output(joined, "joined", "float32", [2, 5]);
  b.output(back, "back", "float32", [2, 5, 1]);
  const out = await runModel(b.build(), { a: f32(aData, [6]), c: f32(bData, [2, 2]) });
  const expected = [
    ...aData.slice(0, 3),
    ...bData.slice(0, 2),
    ...aData.slice(3, 6),
    ...bData.slice(2, 4),
  ];
  assert.deepEqual(out.joined.dims, [2, 5]);
  assert.deepEqual(Array.from(out.joined.data as Float32Array), expected);
  assert.deepEqual(out.back.dims, [2, 5, 1]);
  assert.deepEqual(Array.from(out.back.data as Float32Array), expected);
});

Deno.test("TopK returns values and int64 indices of the k largest/smallest", async () => {
  const rows = 3;
  const cols = 7;
  // Distinct values so the order is unambiguous.
  const xData = Float32Array.from({ length: rows * cols }, (_, i) => ((i * 11) % 23) - 11.5);
  const b = createGraphBuilder("topk");
  const x = b.input("x", "float32", [-1, cols]);
  const top = b.topK(x, 3, { valuesName: "values", indicesName: "indices" });
  const bottom = b.topK(x, 2, { axis: 1, largest: false });
  b.output(top.values, "values", "float32", [-1, 3]);
  b.output(top.indices, "indices", "int64", [-1, 3]);
  b.output(bottom.values, "bottom_values", "float32", [-1, 2]);
  b.output(bottom.indices, "bottom_indices", "int64", [-1, 2]);
  const out = await runModel(b.build(), {
    x: new ort.Tensor("float32", xData, [rows, cols]),
  });

  const expectedTop: { values: number[]; indices: bigint[] } = { values: [], indices: [] };
  const expectedBottom: { values: number[]; indices: bigint[] } = { values: [], indices: [] };
  for (let r = 0; r < rows; r++) {
    const row = Array.from(xData.slice(r * cols, (r + 1) * cols), (v, i) => ({ v, i }));
    const desc = [...row].sort((p, q) => q.v - p.v).slice(0, 3);
    const asc = [...row].sort((p, q) => p.v - q.v).slice(0, 2);
    for (const e of desc) expectedTop.values.push(e.v), expectedTop.indices.push(BigInt(e.i));
    for (const e of asc) expectedBottom.values.push(e.v), expectedBottom.indices.push(BigInt(e.i));
  }
  assert.equal(out.indices.type, "int64");
  assert.deepEqual(out.values.dims, [rows, 3]);
  assert.deepEqual(Array.from(out.values.data as Float32Array), expectedTop.values);
  assert.deepEqual(Array.from(out.indices.data as BigInt64Array), expectedTop.indices);
  assert.deepEqual(Array.from(out.bottom_values.data as Float32Array), expectedBottom.values);
  assert.deepEqual(Array.from(out.bottom_indices.data as BigInt64Array), expectedBottom.indices);
});
