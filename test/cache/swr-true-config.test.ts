/**
 * `cache.swr: true` / `cache.staleIfError: true` in perf.config (no limit: API.md's "true or a
 * duration") serve a stale value from wrap() as a duration does. They resolve to Infinity, which
 * wrap() read as no window at all: the stale value was never served (fn ran on the caller's path,
 * and a failing fn threw instead of serving the expired value).
 */
import { describe, expect, it, vi } from 'vitest'
import { createPerf } from '../../src/index.js'
import { projectWith } from '../helpers/project.js'

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

async function perfWith(cache: string) {
  const dir = projectWith(`export default { cache: { ${cache} }, report: { console: false, dir: './.perf' } }`)
  return createPerf({ rootDir: dir, cwd: dir })
}

describe.each(['memory', 'fs'])('a config true as a stale window (%s tier)', (driver) => {
  it('swr: true serves the expired value and revalidates it in the background', async () => {
    const perf = await perfWith(`driver: '${driver}', dir: './.cache', ttl: 30, swr: true`)
    expect(perf.config.cache.swr).toBe(Number.POSITIVE_INFINITY)
    let calls = 0
    const fn = async () => `v${++calls}`
    expect(await perf.cache.wrap('k', fn)).toBe('v1')
    await sleep(80)
    // the revalidated value lives an hour (this call's ttl): one of 30 ms could expire between the
    // write and the get() below (the fs tier's revalidation first looks for a fresher copy)
    expect(await perf.cache.wrap('k', fn, { ttl: '1h' })).toBe('v1')
    expect(perf.cache.stats().stale).toBe(1)
    await vi.waitFor(async () => expect(await perf.cache.get('k')).toBe('v2'), 5000)
    await perf.close()
  })

  it('staleIfError: true serves the expired value when fn throws', async () => {
    const perf = await perfWith(`driver: '${driver}', dir: './.cache', ttl: 30, staleIfError: true`)
    expect(await perf.cache.wrap('k', async () => 'v1')).toBe('v1')
    await sleep(80)
    expect(await perf.cache.wrap('k', async () => { throw new Error('offline') })).toBe('v1')
    expect(perf.cache.stats().stale).toBe(1)
    await perf.close()
  })
})
