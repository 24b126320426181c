import { defineConfig } from 'vitest/config'

/**
 * Files whose assertions compare processes, timeouts or sizes under concurrency (reliability, a
 * shared Redis, several processes on one cache): they run after the rest, one file at a time, so
 * the other test files' load never decides them. Everything else runs on two workers: one worker
 * took CI to ≈ 16.5 of its 20 minutes.
 */
const SERIAL = [
  'test/reliability/**/*.test.ts',
  'test/cache/redis-*.test.ts',
  'test/cache/multiprocess*.test.ts',
]

export default defineConfig({
  test: {
    globalSetup: ['test/setup/cache-home.ts', 'test/setup/no-forced-color.ts', 'test/setup/redis.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unperf',
          include: ['test/**/*.test.ts'],
          exclude: SERIAL,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
          typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.test.json', ignoreSourceErrors: true },
        },
      },
      {
        extends: true,
        test: {
          name: 'serial',
          include: SERIAL,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
})
