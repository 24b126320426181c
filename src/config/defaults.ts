/** Defaults of every option, in input units (as a user would write them). */
export const DEFAULTS = {
  cache: {
    enabled: true,
    driver: 'fs',
    ttl: '1d',
    maxSize: '200MB',
    // API.md: least recently used evicted first; 'tinylfu' for skewed workloads (docs/cache.md)
    policy: 'lru',
    compress: '4KB',
    integrity: true,
    swr: false,
    staleIfError: false,
    timeout: '250ms',
    scopeMaxAge: '7d',
    invalidate: { version: true, files: ['package.json', 'package-lock.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock'] },
  },
  concurrency: {
    default: 'auto',
    pool: { retries: 0, timeout: false, backoff: '100ms', maxBackoff: '10s' },
    workers: { max: 'auto', idleTimeout: '5s', timeout: false, retries: 0, maxMemory: false },
  },
  budgets: { mode: 'warn', regressions: true },
  monitors: { interval: '1s', eventLoop: true, memory: true, cpu: true, gc: true, system: false, host: '127.0.0.1', path: '/metrics' },
  report: { console: 'summary', history: 100, trace: true },
} as const
