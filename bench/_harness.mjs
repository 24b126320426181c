// Shared by the micro-benchmarks: load TypeScript sources through esbuild, and describe the machine.
import { build } from 'esbuild'
import { availableParallelism, loadavg } from 'node:os'

export const root = new URL('..', import.meta.url).pathname

/** Bundles `src/...` exports on the fly (no build step needed) and imports them. */
export async function importSource(contents) {
  const out = await build({ stdin: { contents, resolveDir: root, loader: 'ts' }, bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'silent' })
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`)
}

/** Machine calibration, printed with the results: on a shared, overloaded machine absolute ns are inflated. */
export function calibrate() {
  let s = 0
  let t = process.hrtime.bigint()
  for (let i = 0; i < 1e6; i++) s += performance.now()
  const clock = Number(process.hrtime.bigint() - t) / 1e6
  t = process.hrtime.bigint()
  for (let i = 0; i < 1e6; i++) s += i * 2
  const loop = Number(process.hrtime.bigint() - t) / 1e6
  return `performance.now() ${clock.toFixed(0)} ns/call, an empty loop iteration ${loop.toFixed(1)} ns (≈1 ns on an idle machine), load average ${loadavg().map(l => l.toFixed(1)).join(' ')} on ${availableParallelism()} cores${s < 0 ? '' : ''}`
}

/** Variant names in random order (variants are interleaved round by round, never run in blocks). */
export const shuffle = xs => xs.map(x => [Math.random(), x]).sort((a, b) => a[0] - b[0]).map(x => x[1])

/** Runs `variants` (name → async batch) interleaved for `rounds` rounds after one warm-up each; returns ms per batch, per variant. */
export async function measure(variants, rounds) {
  const samples = Object.fromEntries(Object.keys(variants).map(k => [k, []]))
  for (const fn of Object.values(variants)) await fn() // warm up (and fill keys for gets)
  for (let r = 0; r < rounds; r++) {
    for (const name of shuffle(Object.keys(variants))) {
      const t0 = process.hrtime.bigint()
      await variants[name]()
      samples[name].push(Number(process.hrtime.bigint() - t0) / 1e6)
    }
  }
  return samples
}
