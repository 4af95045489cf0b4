/**
 * Plain float64 TypeScript references of every kernel family, in the kernels' layouts: the ground truth
 * for the kernel tests and the building blocks of the reference model. Written for clarity, not speed.
 * @module
 */

/** Row-major numbers, float64. */
export type Vec = Float64Array;

/**
 * out[m, n] = A'[m, k] B'[k, n] (+ bias[n]); A is stored [m, k] (or [k, m] for "tn"), B [k, n] (or [n, k]
 * for "nt").
 */
export function matmul(
  kind: "nn" | "nt" | "tn",
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  n: number,
  k: number,
  bias?: ArrayLike<number>,
): Vec {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = bias ? bias[j] : 0;
      for (let p = 0; p < k; p++) {
        const av = kind === "tn" ? a[p * m + i] : a[i * k + p];
        const bv = kind === "nt" ? b[j * k + p] : b[p * n + j];
        sum += av * bv;
      }
      out[i * n + j] = sum;
    }
  }
  return out;
}

/** Column sums of dy [rows, cols]: the gradient of a bias. */
export function biasBackward(dy: ArrayLike<number>, rows: number, cols: number): Vec {
  const out = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c] += dy[r * cols + c];
  return out;
}

/** LayerNorm eps, as GPT-2's. */
export const LAYER_NORM_EPS = 1e-5;

/** LayerNorm of each row, with the per-row mean and 1 / sqrt(var + eps). */
export function layerNorm(
  x: ArrayLike<number>,
  weight: ArrayLike<number>,
  bias: ArrayLike<number>,
  rows: number,
  width: number,
): { y: Vec; mean: Vec; rstd: Vec } {
  const y = new Float64Array(rows * width);
  const mean = new Float64Array(rows);
  const rstd = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < width; c++) sum += x[r * width + c];
    const mu = sum / width;
    let squares = 0;
    for (let c = 0; c < width; c++) squares += (x[r * width + c] - mu) ** 2;
    const s = 1 / Math.sqrt(squares / width + LAYER_NORM_EPS);
    for (let c = 0; c < width; c++) y[r * width + c] = (x[r * width + c] - mu) * s * weight[c] + bias[c];
    mean[r] = mu;
    rstd[r] = s;
  }
  return { y, mean, rstd };
}

/** Gradients of `layerNorm` with respect to x, weight and bias. */
export function layerNormBackward(
  x: ArrayLike<number>,
  weight: ArrayLike<number>,
  dy: ArrayLike<number>,
  rows: number,
  width: number,
): { dx: Vec; dweight: Vec; dbias: Vec } {
  const { mean, rstd } = layerNorm(x, weight, new Float64Array(width), rows, width);
  const dx = new Float64Array(rows * width);
  const dweight = new Float64Array(width);
  const dbias = new Float64Array(width);
  for (let r = 0; r < rows; r++) {
    const xhat = (c: number) => (x[r * width + c] - mean[r]) * rstd[r];
    let meanG = 0;
    let meanGx = 0;
    for (let c = 0; c < width; c++) {
      const g = dy[r * width + c] * weight[c];
      meanG += g / width;
      meanGx += g * xhat(c) / width;
      dweight[c] += dy[r * width + c] * xhat(c);
      dbias[c] += dy[r * width + c];
    }
    for (let c = 0; c < width; c++) {
      dx[r * width + c] = rstd[r] * (dy[r * width + c] * weight[c] - meanG - xhat(c) * meanGx);
    }
  }
  return { dx, dweight, dbias };
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** GELU, tanh approximation. */
export function gelu(x: ArrayLike<number>): Vec {
  return Float64Array.from(x, (v) => 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v ** 3))));
}

/** dx of `gelu` given dy. */
export function geluBackward(x: ArrayLike<number>, dy: ArrayLike<number>): Vec {
  return Float64Array.from(x, (v, i) => {
    const t = Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v ** 3));
    return dy[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * v * v));
  });
}

/** Sizes of causal attention over qkv [batch * seq, 3 * width]. */
export interface AttentionShape {
  batch: number;
  seq: number;
  heads: number;
  width: number;
}

function qkvIndex(s: AttentionShape, b: number, t: number, part: number, h: number, d: number): number {
  return (b * s.seq + t) * 3 * s.width + part * s.width + h * (s.width / s.heads) + d;
}

/** Causal multi-head attention: y [batch * seq, width] and probs [batch, heads, seq, seq]. */
export function attention(qkv: ArrayLike<number>, s: AttentionShape): { y: Vec; probs: Vec } {
  const hd = s.width / s.heads;
  const scale = 1 / Math.sqrt(hd);
  const y = new Float64Array(s.batch * s.seq * s.width);
  const probs = new Float64Array(s.batch * s.heads * s.seq * s.seq);
  for (let b = 0; b < s.batch; b++) {
    for (let h = 0; h < s.heads; h++) {
      for (let t = 0; t < s.seq; t++) {
        const p = ((b * s.heads + h) * s.seq + t) * s.seq;
        let top = -Infinity;
        for (let u = 0; u <= t; u++) {
          let score = 0;
          for (let d = 0; d < hd; d++) {
            score += qkv[qkvIndex(s, b, t, 0, h, d)] * qkv[qkvIndex(s, b, u, 1, h, d)];
          }
          probs[p + u] = score * scale;
          top = Math.max(top, probs[p + u]);
        }
        let total = 0;
        for (let u = 0; u <= t; u++) total += probs[p + u] = Math.exp(probs[p + u] - top);
        for (let u = 0; u <= t; u++) probs[p + u] /= total;
        for (let d = 0; d < hd; d++) {
          let acc = 0;
          for (let u = 0; u <= t; u++) acc += probs[p + u] * qkv[qkvIndex(s, b, u, 2, h, d)];
          y[(b * s.seq + t) * s.width + h * hd + d] = acc;
        }
      }
    }
  }
  return { y, probs };
}

/** dqkv of `attention` given dy. */
export function attentionBackward(qkv: ArrayLike<number>, dy: ArrayLike<number>, s: AttentionShape): Vec {
  const { probs } = attention(qkv, s);
  const hd = s.width / s.heads;
  const scale = 1 / Math.sqrt(hd);
  const dqkv = new Float64Array(qkv.length);
  for (let b = 0; b < s.batch; b++) {
    for (let h = 0; h < s.heads; h++) {
      for (let t = 0; t < s.seq; t++) {
        const p = ((b * s.heads + h) * s.seq + t) * s.seq;
        const dyAt = (d: number) => dy[(b * s.seq + t) * s.width + h * hd + d];
        const dp = new Float64Array(t + 1);
        let rowDot = 0;
        for (let u = 0; u <= t; u++) {
          for (let d = 0; d < hd; d++) {
            dp[u] += dyAt(d) * qkv[qkvIndex(s, b, u, 2, h, d)];
            dqkv[qkvIndex(s, b, u, 2, h, d)] += probs[p + u] * dyAt(d);
          }
          rowDot += probs[p + u] * dp[u];
        }
        for (let u = 0; u <= t; u++) {
          const ds = probs[p + u] * (dp[u] - rowDot) * scale;
          for (let d = 0; d < hd; d++) {
            dqkv[qkvIndex(s, b, t, 0, h, d)] += ds * qkv[qkvIndex(s, b, u, 1, h, d)];
            dqkv[qkvIndex(s, b, u, 1, h, d)] += ds * qkv[qkvIndex(s, b, t, 0, h, d)];
          }
        }
      }
    }
  }
  return dqkv;
}

/** Per-row cross-entropy of logits [rows, vocab] and d(mean loss)/d(logits). */
export function crossEntropy(
  logits: ArrayLike<number>,
  targets: ArrayLike<number>,
  rows: number,
  vocab: number,
): { losses: Vec; dlogits: Vec } {
  const losses = new Float64Array(rows);
  const dlogits = new Float64Array(rows * vocab);
  for (let r = 0; r < rows; r++) {
    let top = -Infinity;
    for (let c = 0; c < vocab; c++) top = Math.max(top, logits[r * vocab + c]);
    let total = 0;
    for (let c = 0; c < vocab; c++) total += Math.exp(logits[r * vocab + c] - top);
    const lse = top + Math.log(total);
    losses[r] = lse - logits[r * vocab + targets[r]];
    for (let c = 0; c < vocab; c++) {
      dlogits[r * vocab + c] = (Math.exp(logits[r * vocab + c] - lse) - (c === targets[r] ? 1 : 0)) / rows;
    }
  }
  return { losses, dlogits };
}

/** x[row] = wte[inputs[row]] + wpe[row % seq], for rows = inputs.length. */
export function embedding(
  inputs: ArrayLike<number>,
  wte: ArrayLike<number>,
  wpe: ArrayLike<number>,
  seq: number,
  width: number,
): Vec {
  const x = new Float64Array(inputs.length * width);
  for (let r = 0; r < inputs.length; r++) {
    for (let c = 0; c < width; c++) {
      x[r * width + c] = wte[inputs[r] * width + c] + wpe[(r % seq) * width + c];
    }
  }
  return x;
}

/** Gradients of `embedding`: dwte [vocab, width] and dwpe [context, width] from dx. */
export function embeddingBackward(
  inputs: ArrayLike<number>,
  dx: ArrayLike<number>,
  seq: number,
  width: number,
  vocab: number,
  context: number,
): { dwte: Vec; dwpe: Vec } {
  const dwte = new Float64Array(vocab * width);
  const dwpe = new Float64Array(context * width);
  for (let r = 0; r < inputs.length; r++) {
    for (let c = 0; c < width; c++) {
      dwte[inputs[r] * width + c] += dx[r * width + c];
      dwpe[(r % seq) * width + c] += dx[r * width + c];
    }
  }
  return { dwte, dwpe };
}

/** Elementwise a + b. */
export function add(a: ArrayLike<number>, b: ArrayLike<number>): Vec {
  return Float64Array.from(a, (v, i) => v + b[i]);
}
