/**
 * `unperf monitor [--serve] [--json] [--interval 1s] [--port 9464] [--count N] [--cwd] [--env]`:
 * live samples of this Node process and the host (systeminformation) with the project's
 * monitors config (interval, alerts): a refreshing table on a TTY, JSON lines otherwise
 * (`{"type":"sample",...}` and `{"type":"alert",...,"sampleTime"}`, after its sample's line). `--serve` also exposes Prometheus
 * /metrics and /healthz (first JSON line: `{"type":"serving",host,port,url,healthz}`). Runs until
 * Ctrl-C, or `--count` samples.
 */
import { defineCommand } from 'citty'
import { formatMetric, parseDuration } from '../../config/units.js'
import { UsageError } from '../../errors.js'
import { ListenError } from '../../cli-errors.js'
import type { MonitorAlert, MonitorSample } from '../../hooks/types.js'
import type { ResolvedMonitorsConfig } from '../../config/types.js'
import { emptyCacheStats } from '../../runtime/cache/names.js'
import { cliConfig } from '../_context.js'
import { configArgs, plural } from '../_ui.js'
import { writeJson } from '../json-stdout.js'

export default defineCommand({
  meta: { name: 'monitor', description: 'Live samples (event loop, memory, CPU, GC, host); --serve exposes Prometheus /metrics and /healthz' },
  args: {
    serve: { type: 'boolean', description: 'Serve Prometheus /metrics and /healthz' },
    json: { type: 'boolean', description: 'JSON lines even on a TTY' },
    interval: { type: 'string', description: "Sampling interval, e.g. '1s' or ms (default: monitors.interval)" },
    port: { type: 'string', description: 'Port for --serve (default: monitors.prometheus.port, else 9464)' },
    host: { type: 'string', description: 'Host for --serve (default: monitors.prometheus.host, else 127.0.0.1)' },
    count: { type: 'string', description: 'Stop after this many samples (default: run until Ctrl-C)' },
    cwd: configArgs.cwd,
    env: configArgs.env,
    'root-dir': configArgs['root-dir'],
  },
  async run({ args }) {
    const interval = args.interval === undefined ? undefined : parseDuration(/^\d+$/.test(args.interval) ? Number(args.interval) : args.interval)
    if (interval !== undefined && !(interval > 0)) throw new UsageError(`--interval expects a duration like '1s' or ms, got '${args.interval}'`)
    if (args.interval !== undefined && interval === undefined) throw new UsageError(`--interval expects a duration like '1s' or ms, got '${args.interval}'`)
    // they say where --serve serves; alone they served nothing and said nothing
    for (const flag of ['port', 'host'] as const) {
      if (args[flag] !== undefined && !args.serve) throw new UsageError(`--${flag} says where --serve serves /metrics and /healthz: add --serve (or leave --${flag} out)`)
    }
    const port = args.port === undefined ? undefined : Number(args.port)
    if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) throw new UsageError(`--port expects a port number, got '${args.port}'`)
    // '' would listen on every interface (node reads it as "unspecified"): say 0.0.0.0 for that
    if (args.host !== undefined && args.host.trim() === '') throw new UsageError("--host expects a host to listen on ('127.0.0.1'; '0.0.0.0' for every interface), got ''")
    const count = args.count === undefined ? Infinity : Number(args.count)
    if (!(count === Infinity || (Number.isInteger(count) && count >= 1))) throw new UsageError(`--count expects a positive integer, got '${args.count}'`)

    const [{ createHookRegistry }, { createMetricsRegistry }, { startMonitors }] = await Promise.all([
      import('../../hooks/registry.js'), import('../../runtime/metrics/registry.js'), import('../../runtime/monitors/index.js'),
    ])
    // --env NAME without a $env.NAME block warned of, as by every command that reads the config
    const loaded = await cliConfig(args)
    const configured = loaded.monitors.prometheus
    const monitors: ResolvedMonitorsConfig = {
      ...loaded.monitors,
      enabled: true,
      system: true,
      interval: interval ?? loaded.monitors.interval,
      prometheus: args.serve
        ? {
            port: port ?? (configured && 'port' in configured ? configured.port : 9464),
            host: args.host ?? (configured && 'host' in configured ? configured.host : '127.0.0.1'),
            path: configured && 'path' in configured ? configured.path : '/metrics',
          }
        : false,
    }
    const config = { ...loaded, monitors }
    const hooks = createHookRegistry()
    const warned = new Set<string>()
    const warn = (code: string, message: string) => {
      // a port in use is this command's error (below), not a warning it carries on after
      if (warned.has(code) || code === 'monitor-prometheus-listen') return
      warned.add(code)
      process.stderr.write(`[unperf] ${message}\n`)
    }
    const sources = {
      cache: () => ({ ...emptyCacheStats(), namespaces: {} }), pools: () => [], commandTotals: () => new Map(), budgetBreaches: () => 0,
      lastSample: () => monitor.last,
    }
    const metrics = createMetricsRegistry(config.name, sources)
    const monitor = startMonitors({ config, hooks, warn }, metrics, sources)

    const table = process.stdout.isTTY === true && !args.json
    const firing = new Map<string, MonitorAlert>()
    let serving: string | undefined
    let seen = 0
    let done!: () => void
    const finished = new Promise<void>(resolve => { done = resolve })
    // Ctrl-C: stop cleanly (close the server, print nothing half-written), exit 0.
    const stop = () => done()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    // an alert's JSON line waits for its sample's (below), so a reader sees the sample first, then
    // what it set off; each names its sample (`sampleTime`: that sample's `time`): the alerts of
    // samples taken before printing starts (not printed) follow the first one printed, and were
    // read as set off by it. The monitor judges a sample's alerts right after announcing it, in the
    // same tick: the sample announced last is theirs.
    let pendingAlerts: string[] = []
    let sampleTime: number | undefined
    /** Samples past --count are not printed, nor are their alerts. */
    let ended = false
    hooks.hook('monitor:sample', sample => {
      sampleTime = sample.time
      ended = seen >= count
    })
    const flushAlerts = () => {
      for (const line of pendingAlerts) writeJson(line)
      pendingAlerts = []
    }
    hooks.hook('monitor:alert', alert => {
      if (alert.state === 'firing') firing.set(alert.metric, alert)
      else firing.delete(alert.metric)
      if (!table && !ended) pendingAlerts.push(JSON.stringify({ type: 'alert', ...alert, sampleTime }) + '\n')
    })

    if (monitor.server) {
      const endpoint = await monitor.server.address()
      const { host, port: wanted } = monitors.prometheus as { host: string; port: number }
      if (!endpoint) {
        process.off('SIGINT', stop)
        process.off('SIGTERM', stop)
        await monitor.stop()
        throw new ListenError(host, wanted, monitor.server.listenError)
      }
      serving = endpoint.url
      process.stderr.write(`[unperf] monitor: serving ${endpoint.url} and ${endpoint.healthz}\n`)
      // the first JSON line: where it serves (with --port 0, the port the OS picked), before any sample
      if (!table) writeJson(JSON.stringify({ type: 'serving', ...endpoint }) + '\n')
    }
    // The monitor's timers and server are unref'd; this command is the one thing that keeps running.
    const keepAlive = setInterval(() => {}, 1 << 30)
    // Printed samples start once the host metrics are in (the first systeminformation refresh).
    await Promise.race([monitor.ready(), finished])
    hooks.hook('monitor:sample', sample => {
      if (seen >= count) return
      seen++
      // the monitor judges a sample's alerts right after announcing it (synchronously, in the same
      // tick): shown once they are in, a screen lists the alerts its own figures set off and a JSON
      // sample line is followed by its own alert lines (both came one sample late: a screen showing
      // rss 58 MB read 'no alerts firing' under a 5MB rule for a whole interval)
      queueMicrotask(() => {
        if (table) process.stdout.write(renderTable(sample, [...firing.values()], config.name, serving))
        else writeJson(JSON.stringify({ type: 'sample', ...sample }) + '\n')
        flushAlerts()
        if (seen >= count) done()
      })
    })

    await finished
    flushAlerts()
    clearInterval(keepAlive)
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    await monitor.stop()
  },
})

// --- internal ---

function renderTable(s: MonitorSample, alerts: MonitorAlert[], name: string, serving: string | undefined): string {
  // each figure in its metric's unit (metric-kinds.ts): the alert lines below read the same units
  const size = (v: number) => formatMetric('size', v)
  const duration = (v: number) => formatMetric('duration', v)
  const percent = (v: number) => formatMetric('percent', v)
  const rows: Array<[string, string]> = []
  if (s.eventLoop) {
    rows.push(['event loop delay', `p50 ${duration(s.eventLoop.p50)}  p99 ${duration(s.eventLoop.p99)}  max ${duration(s.eventLoop.max)}`])
    rows.push(['event loop utilization', formatMetric('ratio', s.eventLoop.utilization)])
  }
  if (s.cpu) rows.push(['cpu (this process)', `${percent(s.cpu.percent)}  user ${duration(s.cpu.user)}  system ${duration(s.cpu.system)}`])
  if (s.memory) rows.push(['memory (this process)', `rss ${size(s.memory.rss)}  heap ${size(s.memory.heapUsed)} / ${size(s.memory.heapTotal)}`])
  if (s.gc) rows.push(['gc', `${plural(s.gc.count, 'pause')}, ${duration(s.gc.pause)}`])
  if (s.handles) rows.push(['active handles', String(s.handles.active)])
  const sys = s.system
  if (sys?.load) rows.push(['host cpu', `${percent(sys.load.percent)}  load avg ${sys.load.avg.toFixed(2)}`])
  if (sys?.memory) rows.push(['host memory', `${size(sys.memory.used)} / ${size(sys.memory.total)} (${percent(sys.memory.usedPercent)})`])
  if (sys?.disk) rows.push(['host disk', `${size(sys.disk.used)} / ${size(sys.disk.size)} (${percent(sys.disk.usedPercent)})`])
  if (sys?.network) rows.push(['host network', `rx ${formatMetric('rate', sys.network.rxSec)}  tx ${formatMetric('rate', sys.network.txSec)}`])
  const width = Math.max(...rows.map(r => r[0].length))
  const lines = [
    `unperf monitor: ${name}  ${new Date(s.time).toISOString()}${serving ? `  serving ${serving}` : ''}  (Ctrl-C to stop)`,
    '',
    ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
    '',
    alerts.length === 0 ? '  no alerts firing' : alerts.map(alertLine).join('\n'),
  ]
  // cursor home + clear screen, then the table
  return `\x1b[H\x1b[2J${lines.join('\n')}\n`
}

/** `ALERT memory.rss = 524 MB (above 500 MB) since …`: value and threshold in the metric's unit (the alert's `kind`). */
function alertLine(a: MonitorAlert): string {
  // the side it breached (a band rule has both)
  const threshold = a.rule.above !== undefined && (a.rule.below === undefined || a.value > a.rule.above) ? `above ${formatMetric(a.kind, a.rule.above)}` : `below ${formatMetric(a.kind, a.rule.below!)}`
  return `  ALERT ${a.metric} = ${formatMetric(a.kind, a.value)} (${threshold}) since ${new Date(a.since).toISOString()}`
}
