// Layer norm and RMS norm over the last axis, affine included, as one forward and one backward
// loop over host arrays. On wasm, tfjs runs a layer norm with its gradient as about 80 kernels
// (moments, broadcasts, and weight/bias gradients that transpose before summing), each a few µs
// of overhead on a proxy's small activations, and a ViT proxy has 25 norms. The loops keep the
// same arithmetic (biased variance, eps inside the root), accumulating in doubles.

/**
 * x is [rows, width] row-major; weight and bias are [width] or absent. Writes y and x̂ (x − mean,
 * times rstd; x · rstd for RMS norm), both shaped like x, and rstd [rows].
 */
export function normForward(
  x: Float32Array,
  width: number,
  eps: number,
  rms: boolean,
  weight: Float32Array | undefined,
  bias: Float32Array | undefined,
  out: { y: Float32Array; xhat: Float32Array; rstd: Float32Array },
): void {
  const { y, xhat, rstd } = out;
  const rows = x.length / width;
  for (let r = 0, base = 0; r < rows; r++, base += width) {
    // One pass for both moments: in doubles, E[x²] − E[x]² loses nothing that float32 keeps.
    let sum = 0;
    let square = 0;
    for (let c = 0; c < width; c++) {
      const v = x[base + c];
      sum += v;
      square += v * v;
    }
    const mean = rms ? 0 : sum / width;
    const inv = 1 / Math.sqrt(Math.max(square / width - mean * mean, 0) + eps);
    rstd[r] = inv;
    for (let c = 0; c < width; c++) {
      const h = (x[base + c] - mean) * inv;
      xhat[base + c] = h;
      y[base + c] = (weight ? h * weight[c] : h) + (bias ? bias[c] : 0);
    }
  }
}

/**
 * dx = rstd · (g − mean(g) − x̂ · mean(g · x̂)) with g = dy · weight (no mean(g) term for RMS
 * norm); dw = Σ dy · x̂ and db = Σ dy over the rows.
 */
export function normBackward(
  dy: Float32Array,
  xhat: Float32Array,
  rstd: Float32Array,
  width: number,
  rms: boolean,
  weight: Float32Array | undefined,
  out: { dx: Float32Array; dw: Float32Array; db: Float32Array },
): void {
  const rows = rstd.length;
  const { dx } = out;
  const dw = new Float64Array(width);
  const db = new Float64Array(width);
  for (let r = 0, base = 0; r < rows; r++, base += width) {
    let sumG = 0;
    let sumGH = 0;
    for (let c = 0; c < width; c++) {
      const d = dy[base + c];
      const h = xhat[base + c];
      dw[c] += d * h;
      db[c] += d;
      const g = weight ? d * weight[c] : d;
      sumG += g;
      sumGH += g * h;
    }
    const meanG = rms ? 0 : sumG / width;
    const meanGH = sumGH / width;
    const inv = rstd[r];
    for (let c = 0; c < width; c++) {
      const g = weight ? dy[base + c] * weight[c] : dy[base + c];
      dx[base + c] = inv * (g - meanG - xhat[base + c] * meanGH);
    }
  }
  out.dw.set(dw);
  out.db.set(db);
}
