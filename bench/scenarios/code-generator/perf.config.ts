// codegen's perf config: generated modules are memoized in memory (LRU, 50 MB), generators run as
// a dependency graph on an adaptive pool, the rendering itself on worker threads.
import { definePerfConfig } from 'unperf/config'

export default definePerfConfig({
  cache: { driver: 'memory', maxSize: '50MB', ttl: false },
  concurrency: {
    pools: { generate: { concurrency: 'adaptive' } },
    workers: { max: 'auto', idleTimeout: '5s' },
  },
  report: { console: false },
})
