/**
 * A duration or size with a unit unperf does not know ('1y' for "as good as never", '1PB', '1H',
 * '30days') is a config error that lists the units it does know: the message said only "like '10m'",
 * leaving the user to guess which units there are. The `unperf` CLI exits 2 on it.
 */
import { describe, expect, it } from 'vitest'
import { projectWith } from '../helpers/project.js'
import { unperf } from '../helpers/unperf-cli.js'

const DURATION_UNITS = "(units: ms, s, m, h, d, w; no month or year: write '365d')"
const SIZE_UNITS = '(units: B, kB, MB, GB, TB, KiB, MiB, GiB, TiB)'

describe('a value with an unknown unit', () => {
  it('names the key and lists the units, for schema-checked and resolved keys alike', () => {
    const dir = projectWith(`export default {
      cache: { ttl: '1y', maxSize: '1PB', timeout: '30days' },
      budgets: { startup: '1H', memory: '2 gigs' },
      monitors: { alerts: { 'memory.rss': '1PB', 'eventLoop.p99': '1sec' } },
    }`)
    const r = unperf(dir, 'config')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('(7 problems)')
    const lines = r.stderr.split('\n')
    const line = (path: string) => lines.find(l => l.includes(`perf.config.mjs:`) && l.includes(` ${path}: `)) ?? `(no line for ${path})`
    expect(line('cache.ttl')).toContain(DURATION_UNITS)
    expect(line('cache.ttl')).toContain("got '1y'")
    expect(line('cache.timeout')).toContain(DURATION_UNITS)
    expect(line('budgets.startup')).toContain(DURATION_UNITS)
    expect(line("monitors.alerts['eventLoop.p99']")).toContain(DURATION_UNITS)
    expect(line('cache.maxSize')).toContain(SIZE_UNITS)
    expect(line('budgets.memory')).toContain(SIZE_UNITS)
    expect(line("monitors.alerts['memory.rss']")).toContain(SIZE_UNITS)
  })

  it("a number in a string ('50000', a size-limit limit ported as it was) says a string takes a unit, or to write the number", () => {
    const dir = projectWith(`export default {
      cache: { ttl: '5000' },
      budgets: { startup: '250', files: [{ path: 'dist/*.js', limit: '50000' }] },
    }`)
    const r = unperf(dir, 'config')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("budgets.files[0].limit: expected a size like '50MB' or a number of bytes (a string takes a unit: '50000B', or write the number 50000), got '50000'")
    expect(r.stderr).toContain("budgets.startup: expected a duration like '10m' or a number of ms (a string takes a unit: '250ms', or write the number 250), got '250'")
    expect(r.stderr).toContain("cache.ttl: expected a duration like '10m', a number of ms, or false (a string takes a unit: '5000ms', or write the number 5000), got '5000'")
  })

  it('adds no unit list where the unit is known or the value is no number with a unit', () => {
    // ('10000TB' is past Number.MAX_SAFE_INTEGER bytes: refused for its size, in a unit there is)
    const dir = projectWith(`export default { cache: { ttl: '0s', maxSize: 'big', timeout: -5, compress: '10000TB' } }`)
    const r = unperf(dir, 'config')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('cache.ttl')
    expect(r.stderr).toContain('cache.maxSize')
    expect(r.stderr).toContain("cache.compress: expected a size like '50MB' or a number of bytes, got '10000TB'")
    expect(r.stderr).not.toContain('(units:')
  })
})
