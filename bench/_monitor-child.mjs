// Child of bench/monitor.mjs: a fixed workload in alternating phases, with the monitor running
// (interval 1 s) and without, in one process so JIT state and machine load affect both alike.
// env: MONITOR_BUNDLE (path of the bundled monitor), WORKLOAD=busy|idle, PAIRS, PHASE_TICKS
const { startMonitors, createMetricsRegistry, createHookRegistry } = await import(process.env.MONITOR_BUNDLE)
const pairs = Number(process.env.PAIRS ?? 8)
const phaseTicks = Number(process.env.PHASE_TICKS ?? 200) // × 10 ms
const config = {
  name: 'bench',
  monitors: { enabled: true, interval: 1000, eventLoop: true, memory: true, cpu: true, gc: true, system: false, alerts: { 'memory.rss': { above: 4e9, for: 10_000 }, 'eventLoop.p99': { above: 500, for: 0 } }, prometheus: false, opentelemetry: false },
}
let monitor
const sources = { cache: () => ({ namespaces: {} }), pools: () => [], commands: () => [], budgetBreaches: () => 0, lastSample: () => monitor?.last }
const metrics = createMetricsRegistry('bench', sources)
const hooks = createHookRegistry()

let sink = 0
// busy: every 10 ms, a fixed slice of work (string building, JSON, allocations → GC); idle: timers only
function work() {
  const items = []
  for (let i = 0; i < 600; i++) items.push({ id: i, name: `item-${i}`, tags: ['a', 'b', String(i % 7)] })
  sink += JSON.stringify(items).length + JSON.parse(JSON.stringify(items)).length
}
async function phase(withMonitor) {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  if (withMonitor) monitor = startMonitors({ config, hooks, warn: () => {} }, metrics, sources)
  for (let i = 0; i < phaseTicks; i++) {
    await new Promise(r => setTimeout(r, 10))
    if (process.env.WORKLOAD !== 'idle') work()
  }
  const samples = monitor?.samples ?? 0
  if (withMonitor) await monitor.stop()
  monitor = undefined
  const cpu = process.cpuUsage(cpu0)
  return { cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - t0, samples }
}
await phase(false) // warm-up (JIT)
await phase(true)
const rows = []
for (let i = 0; i < pairs; i++) {
  const onFirst = Math.random() < 0.5
  const a = await phase(onFirst)
  const b = await phase(!onFirst)
  rows.push(onFirst ? { on: a, off: b } : { on: b, off: a })
}
process.stdout.write(JSON.stringify({ rows, sink }) + '\n')
