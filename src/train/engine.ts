/**
 * The contract between the GPU model (src/train/gpt*.ts, kernels/) and the training loop
 * (src/train/run*.ts): the loop owns data, schedule, checkpoints and metrics; the engine owns the device,
 * the weights, gradients and the optimizer state.
 * @module
 */
import type { Model } from "../plan/schema.ts";

/** A named float32 tensor on the host, laid out row-major. */
export interface HostTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** One batch: `batch` rows of `context + 1` token ids (inputs are [0, context), targets [1, context]). */
export interface TokenBatch {
  batch: number;
  context: number;
  tokens: Uint32Array;
}

/** Hyperparameters of one optimizer update, taken from the plan. */
export interface UpdateSettings {
  lr: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Global gradient-norm clip threshold, or null for none. */
  clip: number | null;
  /**
   * The decay of this update's EMA of the weights (`emaDecay`: ema = d * ema + (1 - d) * w after the
   * update; 0 copies the weights); absent for a plan without an EMA.
   */
  emaDecay?: number;
}

/** A GPT-2-shaped model with AdamW state, living on one GPU device. */
export interface Engine {
  readonly config: Model;
  /** Adapter description, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)". */
  readonly adapter: string;
  /**
   * Records forward, backward, clip and AdamW for one batch into one submission. Resolves with the mean
   * loss and the pre-clip gradient norm only when `readLoss` is true (readback is slow), else with null.
   */
  step(
    batch: TokenBatch,
    settings: UpdateSettings,
    readLoss: boolean,
  ): Promise<{ loss: number; gradNorm: number } | null>;
  /** Mean cross-entropy of a batch, forward only; leaves weights and optimizer state unchanged. */
  evaluate(batch: TokenBatch): Promise<number>;
  /** Weights in GPT-2 naming (wte, wpe, h.0.ln_1.weight, ...). */
  readWeights(): Promise<HostTensor[]>;
  writeWeights(tensors: HostTensor[]): Promise<void>;
  /**
   * AdamW moments and the update count: tensors `<weight>.exp_avg` (m) and `<weight>.exp_avg_sq` (v) per
   * weight, as torch names them; `step` is the number of updates applied (bias correction uses step + 1).
   */
  readOptimizerState(): Promise<{ step: number; tensors: HostTensor[] }>;
  writeOptimizerState(state: { step: number; tensors: HostTensor[] }): Promise<void>;
  /** The EMA of the weights in the weights' naming, or null before any update with `emaDecay`. */
  readEma(): Promise<HostTensor[] | null>;
  writeEma(tensors: HostTensor[]): Promise<void>;
  destroy(): void;
}
