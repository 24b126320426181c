/**
 * Hostile keys and plugin namespaces against a real cache (memory, fs and redis tiers): every key
 * round-trips to its own value, nothing is written outside the cache dir, and no public API call
 * of one namespace reaches another plugin's entries.
 */
import { readdirSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildManager } from '../cache/_config.js'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { tempDir } from '../helpers/tmp.js'

const HOSTILE = [
  '../escape', '../../../../../../tmp/unperf-escape', '/etc/passwd', 'C:\\Windows\\system32', '..', '.', '', ' ',
  'a\0b', 'a\0', '\0', 'x'.repeat(100_000), 'café', 'cafe\u0301', // NFC vs NFD twins
  'CON', 'con', 'nul.txt', 'COM1', 'LPT9', 'aux', 'PRN.json', 'a/b', 'a:b', 'a_b', 'A/B', 'a\\b', 'a b', 'a%2Fb',
  '~tilde', '.hidden', 'trailing.', 'trailing ', 'e\u0000\u0001\u001f', '\u202Eevil', '😀', 'key.e', 'key', 'KEY',
  '__proto__', 'constructor', 'toString', 'hasOwnProperty',
]

function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter(d => d.isFile()).map(d => join(d.parentPath, d.name))
}

async function roundTrip(driver: Parameters<typeof buildManager>[0]['driver']) {
  const base = tempDir('unperf-sec-')
  const dir = join(base, 'cache')
  const cwd = tempDir('unperf-sec-cwd-')
  const { m, cache } = buildManager({ driver, dir, cwd, timeout: 5000 })
  try {
    const keys = HOSTILE.filter(k => k !== '')
    for (const [i, k] of keys.entries()) await cache.set(k, { i, k })
    for (const [i, k] of keys.entries()) expect(await cache.get(k), JSON.stringify(k.slice(0, 40))).toEqual({ i, k })
    expect(new Set(await cache.keys())).toEqual(new Set(keys))
    return { base, dir, cwd, m, cache, keys }
  } catch (error) {
    await m.close()
    throw error
  }
}

describe('hostile cache keys', () => {
  it('fs tier: every hostile key (../, absolute, NUL, 100 kB, NFC/NFD twins, Windows names, a/b vs a:b, __proto__) round-trips to its own value and no file lands outside the cache dir', async () => {
    const { base, dir, cwd, m, cache, keys } = await roundTrip(['memory', 'fs'])
    try {
      for (const f of allFiles(base)) expect(relative(dir, f).startsWith('..'), f).toBe(false)
      for (const f of allFiles(dir)) {
        expect(statSync(f).mode & 0o077).toBe(0)
        const name = f.split('/').at(-1)!
        expect(name.length).toBeLessThanOrEqual(255)
        expect(/^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(name)).toBe(false)
      }
      // a fresh manager (no memory tier state) reads the same values from disk
      await m.close()
      const again = buildManager({ driver: 'fs', dir, cwd })
      for (const [i, k] of keys.entries()) expect(await again.cache.get(k)).toEqual({ i, k })
      expect((await again.cache.verify()).corrupt).toBe(0)
      await again.m.close()
    } finally {
      await m.close()
    }
    void cache
  })

  it('the empty key is either stored like any other or refused with a TypeError, never confused with another key', async () => {
    const { m, cache } = buildManager({ driver: 'fs', dir: tempDir('unperf-sec-'), cwd: tempDir('unperf-sec-cwd-') })
    try {
      await cache.set(' ', 'space')
      const r = await cache.set('', 'empty').then(() => 'stored', (e: unknown) => e)
      if (r === 'stored') expect(await cache.get('')).toBe('empty')
      else expect(r).toBeInstanceOf(TypeError)
      expect(await cache.get(' ')).toBe('space')
    } finally {
      await m.close()
    }
  })

  it('invalidate() with a glob or a RegExp built from hostile input only removes matching keys of its own namespace', async () => {
    const { m, cache } = buildManager({ driver: 'fs', dir: tempDir('unperf-sec-'), cwd: tempDir('unperf-sec-cwd-') })
    try {
      const other = cache.namespace('other')
      await cache.set('a/b', 1)
      await cache.set('a:b', 2)
      await other.set('a/b', 3)
      expect(await cache.invalidate('a/*')).toBe(1)
      expect(await cache.get('a/b')).toBeNull()
      expect(await cache.get('a:b')).toBe(2)
      expect(await other.get('a/b')).toBe(3)
      expect(await cache.invalidate(/.*/)).toBe(1)
      expect(await other.get('a/b')).toBe(3)
    } finally {
      await m.close()
    }
  })
})

describeRedis('hostile cache keys on redis', () => {
  it('redis tier: every hostile key round-trips to its own value and keys() lists exactly them', async () => {
    const { m } = await roundTrip({ driver: 'redis', url: redisUrl! })
    await m.close()
  })
})

describe('plugin namespace isolation', () => {
  it('no API of the default, shared or a named namespace reads, lists, invalidates or clears a plugin entry; plugin:* names throw', async () => {
    const { m, cache } = buildManager({ driver: ['memory', 'fs'], dir: tempDir('unperf-sec-'), cwd: tempDir('unperf-sec-cwd-') })
    try {
      const a = m.pluginNamespace('a')
      const b = m.pluginNamespace('b')
      await a.set('secret', 'of-a')
      await b.set('secret', 'of-b')
      const others = [cache, m.shared, cache.namespace('x')]
      for (const ns of others) {
        expect(await ns.get('secret')).toBeNull()
        expect(await ns.getEntry('secret')).toBeNull()
        expect(await ns.has('secret')).toBe(false)
        expect(await ns.getMany(['secret'])).toEqual([null])
        expect(await ns.keys()).not.toContain('secret')
        expect(await ns.delete('secret')).toBe(false)
        await ns.invalidate(/.*/)
        await ns.invalidate('*')
        await ns.clear()
        await ns.prune()
        await ns.verify()
        await ns.set('secret', 'overwritten?')
      }
      for (const name of ['plugin:a', 'plugin:b', 'plugin:']) {
        expect(() => cache.namespace(name)).toThrow(/reserved/)
        expect(() => m.namespace(name)).toThrow(/reserved/)
        expect(() => m.shared.namespace(name)).toThrow(/reserved/)
      }
      expect(() => a.namespace('plugin:b')).toThrow()
      expect(() => a.namespace('default')).toThrow()
      await a.clear()
      expect(await a.get('secret')).toBeNull()
      expect(await b.get('secret')).toBe('of-b')
      expect(await b.keys()).toEqual(['secret'])
    } finally {
      await m.close()
    }
  })
})

describe('namespaces in an unstorage tier that stores keys as paths (fs-lite)', () => {
  it('every namespace gets its own dir, distinct even where the file system folds case (PLUGIN:a vs plugin:a), never "." or ".."', async () => {
    const base = tempDir('unperf-sec-lite-')
    const { m, cache, warnings } = buildManager({ driver: { driver: 'fs-lite', base } as never, dir: tempDir('unperf-sec-'), cwd: tempDir('unperf-sec-cwd-') })
    const names = ['PLUGIN:a', 'Plugin:a', 'plugin%3Aa', 'plugin%3aa', ' plugin:a', '.', '..', '*', 'Templates', 'templates', 'a.b', 'a%2Eb', '%2E']
    try {
      await m.pluginNamespace('a').set('k', 'plugin:a')
      await cache.set('k', 'default')
      for (const n of names) await cache.namespace(n).set('k', n)
      for (const n of names) expect(await cache.namespace(n).get('k'), n).toBe(n)
      expect(warnings).toEqual([])
      const entries = allFiles(base)
      expect(entries).toHaveLength(names.length + 2)
      const scope = dirname(entries[0]!.slice(0, entries[0]!.lastIndexOf('/')))
      const dirs = entries.map(f => relative(scope, dirname(f)))
      // one entry per dir, each a plain child of the scope dir, distinct once lowercased
      expect(new Set(dirs.map(d => d.toLowerCase())).size).toBe(entries.length)
      for (const d of dirs) expect(d === '' || d.includes('/') || d === '.' || d === '..', d).toBe(false)
      expect(await m.pluginNamespace('a').get('k')).toBe('plugin:a')
    } finally {
      await m.close()
    }
  })
})
