/**
 * A per-call ttl in a unit there is not ('1y', '30 days', '5min'): the config's error lists the
 * units, the runtime's said only "ttl must be a duration > 0 or false, got 1y". set(), setMany() and
 * wrap() now say which units there are (and that a year is '365d'); nothing is written.
 */
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/index.js'
import type { Duration } from '../../src/config/types.js'
import { BASE, projectWith } from '../helpers/project.js'

const UNITS = "(units: ms, s, m, h, d, w; no month or year: write '365d')"

describe('a per-call ttl in an unknown unit', () => {
  it.each(['1y', '30 days', '5min', '1M'])('%j: set, setMany and wrap name the units; nothing is written', async (ttl) => {
    const dir = projectWith(`export default { ${BASE} }`)
    const perf = await createPerf({ rootDir: dir, cwd: dir })
    const opts = { ttl: ttl as Duration }
    await expect(perf.cache.set('k', 1, opts)).rejects.toThrow(new TypeError(`[unperf] cache.set('k'): ttl must be a duration > 0 or false, got ${ttl} ${UNITS}`))
    await expect(perf.cache.setMany([['k', 1, opts]])).rejects.toThrow(`got ${ttl} ${UNITS}`)
    let calls = 0
    await expect(perf.cache.wrap('k', async () => ++calls, opts)).rejects.toThrow(new TypeError(`[unperf] cache.wrap('k'): ttl must be a duration > 0 or false, got ${ttl} ${UNITS}`))
    expect(calls).toBe(0)
    expect(await perf.cache.has('k')).toBe(false)
    // a duration the units know, and 0 (refused as before, no units hint: it is a unit's number)
    await perf.cache.set('k', 1, { ttl: '365d' })
    expect(await perf.cache.get('k')).toBe(1)
    await expect(perf.cache.set('k', 1, { ttl: 0 })).rejects.toThrow(new TypeError("[unperf] cache.set('k'): ttl must be a duration > 0 or false, got 0"))
    await perf.close()
  })
})
