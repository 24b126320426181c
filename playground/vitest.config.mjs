// The playground's own test suite: deliberately uneven files (three heavy, nine light) recorded
// by the unperf reporter. Try:
//   npm run build
//   npx vitest run --config playground/vitest.config.mjs          (a few times, to build history)
//   node bin/unperf.mjs shard --total 3 --index 1 --cwd playground
//   node bin/unperf.mjs tests slow --cwd playground
// UNPERF_TESTS_DIR puts the history somewhere else than report.dir (the tests use it).
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['tests/**/*.test.mjs'],
    reporters: ['default', ['unperf/vitest', process.env.UNPERF_TESTS_DIR ? { dir: process.env.UNPERF_TESTS_DIR } : {}]],
  },
})
