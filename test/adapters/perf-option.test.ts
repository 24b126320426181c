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

describe.skipIf(!built)('instrument() called again with options (commander)', { timeout: 120_000 }, () => {
  it('says the second call\'s options are ignored: the first call\'s apply, the instance given runs no command', () => {
    // it was silent: the host's own instance ran no command (the first call's did)
    const r = host('perf-option.mjs').run(['build'], { HOST: 'commander', TWICE: '1' })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr.split('\n').filter(l => l.includes('called again'))).toEqual([
      "[unperf] warn instrument() was called again on a program it had instrumented: the first call's options apply, this call's (perf) are ignored, and the perf instance given runs no command; pass them to the first call",
    ])
    // the command ran on the first call's instance; the host's own closes at exit with no command
    expect(r.history.map(h => (h.commands as { name: string }[]).map(c => c.name))).toEqual([['build'], []])
  })
})
