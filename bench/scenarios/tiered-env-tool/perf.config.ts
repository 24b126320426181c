// envtool's perf config: three cache tiers, fastest first. L1 memory (this process), L2 the file
// system (this machine), L3 Redis (shared by every machine of the team / CI fleet).
import { definePerfConfig } from 'unperf/config'

const redis = { driver: 'redis' as const, url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' }

export default definePerfConfig({
  cache: {
    // ENVTOOL_LOCAL=1: the same tool without the shared tier (to show what L3 costs at startup)
    driver: process.env.ENVTOOL_LOCAL === '1' ? ['memory', 'fs'] : ['memory', 'fs', redis],
    ttl: '1h',
  },
  report: { console: false },
})
