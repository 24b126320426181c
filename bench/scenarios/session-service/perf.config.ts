// session-service's perf config: sessions live in a sliding namespace (each read extends them),
// every operation has a p95 budget, and monitors export Prometheus metrics while it runs.
import { definePerfConfig } from 'unperf/config'

export default definePerfConfig({
  cache: {
    driver: 'memory',
    namespaces: {
      // SESSION_TTL: the benchmark shortens it to watch sessions expire
      sessions: { ttl: process.env.SESSION_TTL ?? '30m', sliding: true },
    },
  },
  budgets: {
    mode: 'error',
    commands: {
      'session:read': { p95: '10ms' },
      'session:write': { p95: '10ms' },
      'session:login': { p95: '10ms' },
    },
  },
  monitors: {
    interval: '1s',
    eventLoop: true, memory: true, cpu: true,
    prometheus: { port: Number(process.env.METRICS_PORT ?? 9464), host: '127.0.0.1' },
  },
  report: { console: false },
})
