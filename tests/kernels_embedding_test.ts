import * as ops from "../src/train/gpu/ops.ts";
import { asFloat32, assertClose, kernelBench, randomValues } from "../src/train/gpu/testing.ts";
import { embedding, embeddingBackward } from "../src/train/reference/ops.ts";

Deno.test("embedding kernels match the float64 reference", async (t) => {
  const bench = await kernelBench();
  // 3 sequences of 5 positions (15 rows, padded to 16), a context of 6, vocabulary 9 padded to 12 rows.
  const sizes = { rows: 15, paddedRows: 16, seq: 5, width: 8, vocabRows: 12, context: 6 };
  const vocab = 9;
  const inputs = Uint32Array.from({ length: sizes.paddedRows }, (_, i) => (i * 7 + 3) % vocab);
  const wte = asFloat32(randomValues(sizes.vocabRows * sizes.width, 1));
  const wpe = asFloat32(randomValues(sizes.context * sizes.width, 2));
  const dx = asFloat32(randomValues(sizes.paddedRows * sizes.width, 3));
  const headGrad = asFloat32(randomValues(sizes.vocabRows * sizes.width, 4));
  const x = bench.zeros(sizes.paddedRows * sizes.width);
  const dwte = bench.upload(headGrad);
  const dwpe = bench.upload(randomValues(sizes.context * sizes.width, 5));
  await t.step("forward", async () => {
    bench.run(
      ops.embeddingForward(bench.kernels, {
        ...sizes,
        tokens: bench.upload(inputs),
        wte: bench.upload(wte),
        wpe: bench.upload(wpe),
        x,
      }),
    );
    const expected = new Float64Array(sizes.paddedRows * sizes.width);
    expected.set(embedding(inputs.slice(0, sizes.rows), wte, wpe, sizes.seq, sizes.width));
    assertClose(await bench.read(x, expected.length), expected, 1e-6, "x (padding row zero)");
  });
  await t.step("backward adds to the head's dwte and overwrites dwpe", async () => {
    const buckets = bench.upload(ops.tokenBuckets(inputs, sizes.rows, sizes.vocabRows));
    bench.run(
      ops.embeddingBackward(bench.kernels, { ...sizes, dx: bench.upload(dx), buckets, dwte, dwpe }),
    );
    const rowsDx = dx.slice(0, sizes.rows * sizes.width);
    const expected = embeddingBackward(
      inputs.slice(0, sizes.rows),
      rowsDx,
      sizes.seq,
      sizes.width,
      sizes.vocabRows,
      sizes.context,
    );
    const dwteExpected = expected.dwte.map((v, i) => v + headGrad[i]);
    assertClose(await bench.read(dwte, dwteExpected.length), dwteExpected, 1e-6, "dwte");
    assertClose(
      await bench.read(dwpe, expected.dwpe.length),
      expected.dwpe,
      1e-6,
      "dwpe (rows >= seq zero)",
    );
  });
});
