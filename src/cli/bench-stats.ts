/** Statistics of `unperf bench`: summary, relative speed with its error, Mann-Whitney U. */

/** `stddev` is null for one run (undefined; hyperfine's JSON has null there too). */
export interface Summary { mean: number; stddev: number | null; median: number; min: number; max: number }

export function summarize(xs: number[]): Summary {
  const n = xs.length
  const mean = xs.reduce((a, b) => a + b, 0) / n
  const stddev = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : null
  const s = [...xs].sort((a, b) => a - b)
  const median = n % 2 ? s[n >> 1]! : (s[(n >> 1) - 1]! + s[n >> 1]!) / 2
  return { mean, stddev, median, min: s[0]!, max: s[n - 1]! }
}

/**
 * How many times faster `fast` is than `slow`, with the propagated standard error (null, as in
 * hyperfine, when either ran once: no σ to propagate).
 */
export function relative(fast: Summary, slow: Summary): { ratio: number; error: number | null } {
  const ratio = slow.mean / fast.mean
  const error = fast.stddev === null || slow.stddev === null ? null : ratio * Math.sqrt((fast.stddev / fast.mean) ** 2 + (slow.stddev / slow.mean) ** 2)
  return { ratio, error }
}

/**
 * `2.31 ± 0.05` (`2.31` without an error); `?` when there is no ratio: the fastest command's mean
 * is 0 (each of its runs within the shell spawn time subtracted), which made `Infinity ± NaN`.
 */
export function ratioText(rel: { ratio: number; error: number | null }): string {
  if (!Number.isFinite(rel.ratio)) return '?'
  if (rel.error === null) return rel.ratio.toFixed(2)
  return Number.isFinite(rel.error) ? `${rel.ratio.toFixed(2)} ± ${rel.error.toFixed(2)}` : '?'
}

/**
 * Two-sided Mann-Whitney U test (normal approximation with tie correction and continuity
 * correction). Returns the p-value that the two samples come from the same distribution.
 */
export function mannWhitney(a: number[], b: number[]): { u: number; p: number } {
  const all = [...a.map(v => ({ v, g: 0 })), ...b.map(v => ({ v, g: 1 }))].sort((x, y) => x.v - y.v)
  const ranks = new Array<number>(all.length)
  let tieTerm = 0
  for (let i = 0; i < all.length;) {
    let j = i
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++
    const rank = (i + j) / 2 + 1
    for (let k = i; k <= j; k++) ranks[k] = rank
    const t = j - i + 1
    tieTerm += t ** 3 - t
    i = j + 1
  }
  const n1 = a.length
  const n2 = b.length
  const r1 = all.reduce((sum, x, i) => sum + (x.g === 0 ? ranks[i]! : 0), 0)
  const u1 = r1 - (n1 * (n1 + 1)) / 2
  const u = Math.min(u1, n1 * n2 - u1)
  const n = n1 + n2
  const sigma = Math.sqrt((n1 * n2 / 12) * ((n + 1) - tieTerm / (n * (n - 1))))
  if (sigma === 0) return { u, p: 1 }
  const z = (Math.abs(u1 - (n1 * n2) / 2) - 0.5) / sigma
  return { u, p: Math.min(1, 2 * (1 - normalCdf(Math.max(0, z)))) }
}

function normalCdf(z: number): number {
  // Abramowitz-Stegun 7.1.26 on erf
  const t = 1 / (1 + 0.3275911 * (z / Math.SQRT2))
  const erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(z * z) / 2)
  return 0.5 * (1 + erf)
}

/**
 * Outliers by hyperfine's rule: a modified Z-score |x − median| / MAD above 1.4826 × 10, i.e. more
 * than 10 standard deviations away when the MAD is scaled to estimate one. It was 5: on a quiet
 * machine, 2 of 5 runs of `sleep 0.1` within 4 ms were called outliers: a warning on most benchmarks.
 */
export const OUTLIER_THRESHOLD = 1.4826 * 10

export function outliers(xs: number[]): number {
  const s = summarize(xs)
  const mad = summarize(xs.map(x => Math.abs(x - s.median))).median
  return mad === 0 ? 0 : xs.filter(x => Math.abs(x - s.median) / mad > OUTLIER_THRESHOLD).length
}
