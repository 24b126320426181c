/**
 * An adapter given an existing instance (`withPerf(main, { perf })`, `instrument(program, { perf })`)
 * cannot switch off a cache its creator set up, yet it still adds `--no-cache`: the flag was taken,
 * listed in the help, and did nothing, silently. It now says so, once (stderr and report.json's
 * warnings), naming what works; the command runs as before. Without `--no-cache`: no warning.
 */
import { describe, expect, it } from 'vitest'
import { built, host } from './_host.js'

const WARNING = "--no-cache cannot switch off the cache of the perf instance given to the adapter (its `perf` option): its creator set the cache up. Create it with `overrides: { cache: { enabled: false } }` when the command line has --no-cache (or set UNPERF_CACHE=0)"

for (const hostKind of ['citty', 'commander'] as const) {
  describe.skipIf(!built)(`the perf option and --no-cache (${hostKind})`, { timeout: 120_000 }, () => {
    it('--no-cache with an instance given: one warning, the command runs', () => {
      const h = host('perf-option.mjs')
      const r = h.run(['build', '--no-cache'], { HOST: hostKind })
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toContain('build cache=true got=v')
      expect(r.stderr.split('\n').filter(l => l.includes('--no-cache cannot'))).toEqual([`[unperf] warn ${WARNING}`])
      expect(r.history).toHaveLength(1)
    })

    it('without --no-cache: no warning', () => {
      const h = host('perf-option.mjs')
      const r = h.run(['build'], { HOST: hostKind })
      expect(r.code, r.stderr).toBe(0)
      expect(r.stderr).not.toContain('--no-cache cannot')
    })
  })
}
