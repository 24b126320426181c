// Monitor overhead (issue 6): (1) one sample of the cheap samplers (event loop, memory, cpu, gc,
// handles) must cost < 1 ms; (2) at interval 1 s the monitor must add < 1 % CPU.
// (1) times monitor.sample() in batches, anchored on process.memoryUsage() (what any monitor calls).
// (2) runs a fixed workload in one child process in alternating ~2 s phases, with the monitor
// running and without (random order in each pair, so drift and machine load hit both alike), and
// compares CPU time per pair: added CPU ms per wall second (% of one core) and the ratio with/without.
// Run: node bench/monitor.mjs   (writes bench/results/monitor.md; exits 1 when a target is missed)
import { build } from 'esbuild'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const dir = mkdtempSync(join(tmpdir(), 'unperf-bench-monitor-'))
const bundle = join(dir, 'monitor.mjs')
writeFileSync(join(dir, 'entry.ts'), [
  `export { startMonitors } from '${root}src/runtime/monitors/index.ts'`,
  `export { createMetricsRegistry } from '${root}src/runtime/metrics/registry.ts'`,
  `export { createHookRegistry } from '${root}src/hooks/registry.ts'`,
].join('\n'))
await build({ entryPoints: [join(dir, 'entry.ts')], outfile: bundle, bundle: true, format: 'esm', platform: 'node', logLevel: 'silent' })
const { startMonitors, createMetricsRegistry, createHookRegistry } = await import(bundle)

const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const mad = xs => { const m = median(xs); return median(xs.map(x => Math.abs(x - m))) }

// --- (1) cost of one sample -------------------------------------------------------------
const sources = { cache: () => ({ namespaces: {} }), pools: () => [], commands: () => [], budgetBreaches: () => 0, lastSample: () => undefined }
const config = { name: 'bench', monitors: { enabled: true, interval: 3_600_000, eventLoop: true, memory: true, cpu: true, gc: true, system: false, alerts: { 'memory.rss': { above: 4e9, for: 10_000 } }, prometheus: false, opentelemetry: false } }
const metrics = createMetricsRegistry('bench', sources)
const monitor = startMonitors({ config, hooks: createHookRegistry(), warn: () => {} }, metrics, sources)
const BATCH = 200
const ROUNDS = Number(process.env.ROUNDS ?? 30)
const sampleUs = [], anchorUs = [], exposeUs = []
let sink = 0
for (let round = 0; round < ROUNDS + 3; round++) {
  let t = process.hrtime.bigint()
  for (let i = 0; i < BATCH; i++) sink += monitor.sample().time
  const s = Number(process.hrtime.bigint() - t) / 1000 / BATCH
  t = process.hrtime.bigint()
  for (let i = 0; i < BATCH; i++) sink += process.memoryUsage().rss
  const a = Number(process.hrtime.bigint() - t) / 1000 / BATCH
  t = process.hrtime.bigint()
  for (let i = 0; i < 20; i++) sink += metrics.expose().length
  const e = Number(process.hrtime.bigint() - t) / 1000 / 20
  if (round >= 3) { sampleUs.push(s); anchorUs.push(a); exposeUs.push(e) } // 3 warm-up rounds
  await new Promise(r => setImmediate(r))
}
await monitor.stop()

// --- (2) CPU overhead at interval 1 s ------------------------------------------------------
function child(env) {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, [join(root, 'bench/_monitor-child.mjs')], { env: { ...process.env, MONITOR_BUNDLE: bundle, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    p.stdout.on('data', d => { out += d })
    p.on('exit', code => code === 0 ? done(JSON.parse(out)) : fail(new Error(`child exited ${code}`)))
  })
}
const PAIRS = Number(process.env.PAIRS ?? 10)
const PHASE_TICKS = Number(process.env.PHASE_TICKS ?? 200) // × 10 ms ≈ 2 s of wall time per phase
async function pairs(workload, n) {
  const { rows } = await child({ WORKLOAD: workload, PAIRS: String(n), PHASE_TICKS: String(PHASE_TICKS) })
  return rows.map(({ on, off }) => ({ on, off, addedPct: ((on.cpuMs - off.cpuMs) / on.wallMs) * 100, ratio: on.cpuMs / off.cpuMs }))
}
const busy = await pairs('busy', PAIRS)
const idle = await pairs('idle', Math.max(2, PAIRS / 2))
rmSync(dir, { recursive: true, force: true })

// --- report ----------------------------------------------------------------------------------
const perSample = median(sampleUs)
const busyAdded = median(busy.map(r => r.addedPct))
const idleAdded = median(idle.map(r => r.addedPct))
const busyRatio = median(busy.map(r => r.ratio))
const ok = (v, limit) => (v < limit ? 'ok' : 'MISSED')
const lines = [
  '## Monitors',
  '',
  `Command: \`node bench/monitor.mjs\` (sample cost: median of ${ROUNDS} batches of ${BATCH}; CPU: one child process, ${PAIRS} busy and ${Math.max(2, PAIRS / 2)} idle pairs of phases with/without the monitor, ${PHASE_TICKS} ticks of 10 ms per phase, median per-pair difference; monitor at interval 1 s with event loop, memory, cpu, gc, handles and 2 alert rules).`,
  '',
  '| what | unperf | anchor | ratio | target | verdict |',
  '|---|---:|---:|---:|---:|---|',
  `| one sample (all cheap samplers + alerts) | ${perSample.toFixed(1)} ± ${mad(sampleUs).toFixed(1)} µs | process.memoryUsage() ${median(anchorUs).toFixed(1)} µs | ${(perSample / median(anchorUs)).toFixed(2)}× | < 1000 µs | ${ok(perSample, 1000)} |`,
  `| CPU added, busy workload | ${busyAdded.toFixed(2)} ± ${mad(busy.map(r => r.addedPct)).toFixed(2)} % of a core | CPU without monitor ${median(busy.map(r => r.off.cpuMs)).toFixed(0)} ms | ${busyRatio.toFixed(3)}× CPU time | < 1 % | ${ok(busyAdded, 1)} |`,
  `| CPU added, idle process | ${idleAdded.toFixed(2)} ± ${mad(idle.map(r => r.addedPct)).toFixed(2)} % of a core | CPU without monitor ${median(idle.map(r => r.off.cpuMs)).toFixed(0)} ms | ${median(idle.map(r => r.ratio)).toFixed(3)}× CPU time | < 1 % | ${ok(idleAdded, 1)} |`,
  `| metrics.expose() (scrape, no user metrics) | ${median(exposeUs).toFixed(1)} µs | | | (info) | |`,
  '',
  `Per pair (busy, CPU ms with / without monitor): ${busy.map(r => `${r.on.cpuMs.toFixed(0)}/${r.off.cpuMs.toFixed(0)}`).join(', ')}; samples per monitored phase: ${busy.map(r => r.on.samples).join(', ')}.`,
  `Per pair (idle): ${idle.map(r => `${r.on.cpuMs.toFixed(0)}/${r.off.cpuMs.toFixed(0)}`).join(', ')}.`,
  '',
  '± is the median absolute deviation of the per-pair figures: on a shared 2-core machine the per-pair noise is of the same order as the overhead, so read the medians, and rerun with PAIRS=30 for a tighter figure.',
  '',
  `(sink ${sink > 0 ? 'used' : 'unused'}; node ${process.version})`,
]
writeFileSync(join(root, 'bench/results/monitor.md'), lines.join('\n') + '\n')
console.log(lines.join('\n'))
process.exit(perSample < 1000 && busyAdded < 1 && idleAdded < 1 ? 0 : 1)
