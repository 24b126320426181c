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
