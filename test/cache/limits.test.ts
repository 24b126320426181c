/**
 * Issue 4, limits: `cache.maxSize` also caps all namespaces of a cache together (memory tiers in
 * the process, fs tiers on disk, the dirs of namespaces this process never opened included),
 * never over by more than 10 % as info() reports it, the least recently used evicted first across
 * namespaces, each eviction firing `cache:evict` in its own namespace.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { PerfCache } from '../../src/runtime/types.js'
import { manager } from './_manager.js'

const VALUE = 'v'.repeat(1000)

/** Every key of every namespace, in the order of its last use (a test-side clock). */
class Uses {
  private _n = 0
  readonly last = new Map<string, number>()
  touch(ns: string, key: string) { this.last.set(`${ns}/${key}`, ++this._n) }
}

/** Every evicted key was used before every key that stayed. */
function expectLruOrder(uses: Uses, evicted: string[]) {
  const gone = new Set(evicted)
  const kept = [...uses.last.keys()].filter(k => !gone.has(k))
  expect(gone.size).toBeGreaterThan(0)
  expect(kept.length).toBeGreaterThan(0)
  const newestGone = Math.max(...[...gone].map(k => uses.last.get(k)!))
  const oldestKept = Math.min(...kept.map(k => uses.last.get(k)!))
  expect(newestGone).toBeLessThan(oldestKept)
}

describe('cache.maxSize over all namespaces: fs', () => {
  it('evicts the least recently used across namespaces, opened or only on disk, down to the cap', async () => {
    const cap = 30_000
    // an earlier process filled a plugin namespace and 'old' (25 KB): under the cap then
    const first = manager({ driver: 'fs', maxSize: cap, compress: false })
    const uses = new Uses()
    for (let i = 0; i < 10; i++) {
      await first.m.pluginNamespace('lint').set(`p${i}`, VALUE); uses.touch('plugin:lint', `p${i}`)
      await first.m.namespace('old').set(`o${i}`, VALUE); uses.touch('old', `o${i}`)
    }
    await first.m.close()
    expect((await first.m.namespace('old').info()).total.bytes).toBeLessThanOrEqual(cap)

    // this process never opens them; it writes 30 KB more over three namespaces
    const second = manager({ dir: first.dir, cwd: first.cwd, driver: 'fs', maxSize: cap, compress: false })
    const evicted: string[] = []
    second.hooks.hook('cache:evict', e => { evicted.push(`${e.namespace}/${e.key}`); expect(e.reason).toBe('lru') })
    const spaces: PerfCache[] = [second.m.root, second.m.namespace('docs'), second.m.shared]
    const names = ['default', 'docs', 'shared']
    for (let i = 0; i < 10; i++) {
      for (const [j, ns] of spaces.entries()) { await ns.set(`k${i}`, VALUE); uses.touch(names[j]!, `k${i}`) }
      if (i === 5) { expect(await second.m.root.get('k0')).toBe(VALUE); uses.touch('default', 'k0') }
    }
    await second.m.root.prune()

    const info = await second.m.root.info()
    expect(info.total.maxSize).toBe(cap)
    expect(info.total.bytes).toBeLessThanOrEqual(cap * 1.1)
    expect(info.total.bytes).toBeGreaterThan(cap * 0.8)
    // the other process's entries went first (the plugin's by its name, read from the dir's marker)
    for (let i = 0; i < 10; i++) expect(evicted).toContain(`plugin:lint/p${i}`)
    expect(evicted).toContain('old/o9')
    expectLruOrder(uses, evicted)
    expect(evicted).not.toContain('default/k0') // read at i = 5: newer than docs/k0 and the others evicted
    expect(evicted).toContain('docs/k0')
    // what stayed on disk is what the survivors say
    const files = readdirSync(first.dir, { recursive: true }).filter(f => String(f).endsWith('.e'))
    expect(files.length).toBe(uses.last.size - evicted.length)
    // each eviction counted in its namespace
    expect(second.m.stats().evictions).toBe(evicted.length)
    await second.m.close()
  })

  it("without prune(), a later process counts the namespaces it never opens (the scope's summary) and evicts from them first", async () => {
    const cap = 30_000
    const first = manager({ driver: 'fs', maxSize: cap, compress: false })
    for (let i = 0; i < 18; i++) await first.m.namespace('old').set(`o${i}`, VALUE)
    await first.m.close()
    expect(readdirSync(first.dir, { recursive: true }).map(String).some(f => f.endsWith('.budget'))).toBe(true)

    const second = manager({ dir: first.dir, cwd: first.cwd, driver: 'fs', maxSize: cap, compress: false })
    const evicted: string[] = []
    second.hooks.hook('cache:evict', e => { evicted.push(`${e.namespace}/${e.key}`) })
    for (let i = 0; i < 15; i++) await second.m.namespace('new').set(`n${i}`, VALUE)
    await second.m.close()
    expect(evicted.length).toBeGreaterThan(0)
    expect(evicted.every(e => e.startsWith('old/'))).toBe(true)
    expect(evicted).toContain('old/o0')
    const info = await second.m.namespace('new').info()
    expect(info.total.bytes).toBeLessThanOrEqual(cap * 1.1)
    expect(info.entries).toBe(15)
  })

  it("the scope's summary is rewritten at close only when a namespace's size changed", async () => {
    const first = manager({ driver: 'fs', maxSize: 1_000_000, compress: false })
    await first.m.namespace('a').set('k', VALUE)
    await first.m.close()
    const summary = readdirSync(first.dir, { recursive: true }).map(String).find(f => f.endsWith('.budget'))!
    const file = join(first.dir, summary)
    const before = { text: readFileSync(file, 'utf8'), ino: statSync(file).ino }
    // the next process rewrites the entry with the same size (a counter): the summary stays as it is
    const same = manager({ dir: first.dir, cwd: first.cwd, driver: 'fs', maxSize: 1_000_000, compress: false })
    await same.m.namespace('a').set('k', 'w'.repeat(1000))
    await same.m.close()
    expect({ text: readFileSync(file, 'utf8'), ino: statSync(file).ino }).toEqual(before)
    // a process that adds an entry: the summary carries the new size
    const grows = manager({ dir: first.dir, cwd: first.cwd, driver: 'fs', maxSize: 1_000_000, compress: false })
    await grows.m.namespace('a').set('k2', VALUE)
    await grows.m.close()
    const after = JSON.parse(readFileSync(file, 'utf8')) as { bytes: Record<string, number> }
    const previous = JSON.parse(before.text) as { bytes: Record<string, number> }
    const name = Object.keys(previous.bytes)[0]!
    expect(after.bytes[name]).toBeGreaterThan(previous.bytes[name]!)
  })

  it('a process writing over the cap is brought back under it by the background checks, without prune()', async () => {
    const cap = 20_000
    const { m } = manager({ driver: 'fs', maxSize: cap, compress: false })
    for (let i = 0; i < 40; i++) await m.namespace(`ns${i % 4}`).set(`k${i}`, VALUE)
    await m.close() // waits for the background checks
    const info = await m.root.info()
    expect(info.total.bytes).toBeLessThanOrEqual(cap * 1.1)
    expect(info.total.entries).toBeGreaterThan(0)
  })
})

describe('cache.maxSize over all namespaces: memory', () => {
  it('LRU: evicts across namespaces in order of last use, synchronously on write', async () => {
    const cap = 40_000 // 20 entries (a 1000-character string counts 2000 bytes in memory)
    const { m, hooks } = manager({ driver: 'memory', maxSize: cap, policy: 'lru', compress: false })
    const uses = new Uses()
    const evicted: string[] = []
    hooks.hook('cache:evict', e => { evicted.push(`${e.namespace}/${e.key}`) })
    const names = ['a', 'b', 'c']
    for (let i = 0; i < 10; i++) {
      for (const n of names) { await m.namespace(n).set(`k${i}`, VALUE); uses.touch(n, `k${i}`) }
      if (i === 5) { expect(await m.namespace('c').get('k0')).toBe(VALUE); uses.touch('c', 'k0') }
      expect((await m.namespace('a').info()).total.bytes).toBeLessThanOrEqual(cap)
    }
    const info = await m.namespace('b').info()
    expect(info.total.bytes).toBeLessThanOrEqual(cap)
    expect(info.total.bytes).toBeGreaterThan(cap * 0.8)
    expectLruOrder(uses, evicted)
    expect(evicted).not.toContain('c/k0')
    expect(m.stats().evictions).toBe(evicted.length)
    for (const n of names) expect(m.stats().namespaces[n]!.evictions).toBe(evicted.filter(e => e.startsWith(`${n}/`)).length)
  })

  it('W-TinyLFU: the total stays under the cap; across namespaces the oldest use goes first, within one its policy decides', async () => {
    const cap = 20_000
    const { m, hooks } = manager({ driver: 'memory', maxSize: cap, policy: 'tinylfu', compress: false })
    const evicted: string[] = []
    hooks.hook('cache:evict', e => { evicted.push(`${e.namespace}/${e.key}`) })
    const other = m.namespace('other')
    for (let i = 0; i < 3; i++) await other.set(`o${i}`, VALUE)
    const main = m.namespace('main')
    for (let i = 0; i < 4; i++) await main.set(`h${i}`, VALUE)
    for (let round = 0; round < 8; round++) for (let i = 0; i < 4; i++) expect(await main.get(`h${i}`)).toBe(VALUE)
    // a flood of one-off keys: the cap takes the other namespace's older entries, then main's
    // policy refuses the newcomers rather than its hot keys
    for (let i = 0; i < 200; i++) {
      await main.set(`f${i}`, VALUE)
      expect(await main.get(`f${i}`)).toBe(VALUE) // the newest entry is always there
      expect((await main.info()).total.bytes).toBeLessThanOrEqual(cap)
    }
    for (let i = 0; i < 3; i++) expect(evicted).toContain(`other/o${i}`)
    for (let i = 0; i < 4; i++) expect(await main.get(`h${i}`)).toBe(VALUE)
  })

  it('a namespace limit below the cap still binds that namespace', async () => {
    const { m } = manager({ driver: 'memory', maxSize: 100_000, namespaces: { small: { maxSize: 5000 } } })
    for (let i = 0; i < 20; i++) await m.namespace('small').set(`k${i}`, VALUE)
    const info = await m.namespace('small').info()
    expect(info.maxSize).toBe(5000)
    expect(info.bytes).toBeLessThanOrEqual(5000)
    expect(info.total.maxSize).toBe(100_000)
  })
})
