import { definePerfConfig } from 'unperf/config'

// The playground CLI's performance config: read on every start from a snapshot (no c12 on warm runs).
export default definePerfConfig({
  cache: {
    driver: ['memory', 'fs'],
    ttl: '1d',
    maxSize: '100MB',
    namespaces: {
      git: { ttl: '5m', driver: 'memory' },
    },
  },
  concurrency: {
    pools: { fs: { concurrency: 32, timeout: '30s' } },
  },
  budgets: {
    startup: '500ms',
    commands: { deps: { duration: '10s' } },
  },
  report: { console: 'summary' },
  plugins: ['./plugins/git-info.mjs'],
  $development: { cache: { driver: 'memory' } },
  $env: {
    ci: { budgets: { mode: 'error' } },
  },
})
