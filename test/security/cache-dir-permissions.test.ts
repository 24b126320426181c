/**
 * Promise: a cache dir writable by others, or owned by another user, is refused with a clear
 * message (as ssh does with ~/.ssh); the command still works, uncached. Root ignores modes for
 * access, but unperf checks ownership and mode bits itself, so this holds for root too.
 */
import { chmodSync, chownSync, cpSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { manager } from '../cache/_manager.js'
import { tempDir } from '../helpers/tmp.js'

describe('cache dir permissions', () => {
  it('refuses a world-writable cache dir, with one clear warning, and the command goes on', async () => {
    const dir = join(tempDir('unperf-perm-'), 'cache')
    mkdirSync(dir, { mode: 0o777 })
    chmodSync(dir, 0o777)
    const { cache, warnings } = manager({ driver: 'fs', dir })
    await cache.set('k', 'v')
    expect(await cache.get('k')).toBeNull()
    expect(await cache.wrap('w', async () => 'computed')).toBe('computed')
    expect(warnings.join('\n')).toMatch(/refusing the cache dir .*writable by everyone \(mode 777\)/)
  })

  it.skipIf(typeof process.getuid !== 'function' || process.getuid() !== 0)('refuses a cache dir owned by another user', async () => {
    const dir = join(tempDir('unperf-perm-'), 'cache')
    mkdirSync(dir, { mode: 0o700 })
    chownSync(dir, 65534, 65534)
    const { cache, warnings } = manager({ driver: 'fs', dir })
    await cache.set('k', 'v')
    expect(await cache.get('k')).toBeNull()
    expect(warnings.join('\n')).toMatch(/owned by uid 65534/)
  })

  it('says so once, not once per namespace whose fs tier finds the dir refused', async () => {
    const dir = join(tempDir('unperf-perm-'), 'cache')
    mkdirSync(dir, { mode: 0o777 })
    chmodSync(dir, 0o777)
    const { cache, warnings } = manager({ driver: 'fs', dir, namespaces: { a: {}, b: {}, c: {} } })
    for (const ns of ['a', 'b', 'c']) expect(await cache.namespace(ns).wrap('k', async () => ns)).toBe(ns)
    await cache.set('k', 'v')
    const refused = warnings.filter(w => w.includes('refusing the cache dir'))
    expect(refused).toHaveLength(1)
    expect(refused[0]).toMatch(/the fs tier is not used \(refusing the cache dir .*writable by everyone \(mode 777\).*\); the cache is an optimization/)
  })

  it('info() of a refused dir counts none of its entries and says why, as every read of it does', async () => {
    const written = join(tempDir('unperf-perm-'), 'cache')
    const cwd = tempDir('unperf-perm-cwd-')
    const first = manager({ driver: 'fs', dir: written, cwd })
    await first.cache.set('k', 'v')
    expect((await first.cache.info()).entries).toBe(1)
    await first.m.close()
    // a copy, opened to everyone: this process found the first dir safe and remembers it (cache-dir-safety.ts)
    const dir = join(tempDir('unperf-perm-'), 'cache')
    cpSync(written, dir, { recursive: true })
    chmodSync(dir, 0o777)
    const { cache, warnings } = manager({ driver: 'fs', dir, cwd })
    // before: 1 entry, no warning (`unperf cache info` exit 0, while `cache list` said the tier was not used)
    expect((await cache.info()).entries).toBe(0)
    expect(warnings.join('\n')).toMatch(/refusing the cache dir .*writable by everyone \(mode 777\)/)
  })

  it('accepts its own 0700 dir', async () => {
    const { cache, warnings } = manager({ driver: 'fs' })
    await cache.set('k', 'v')
    expect(await cache.get('k')).toBe('v')
    expect(warnings).toEqual([])
  })
})
