/**
 * A namespace's maxSize under a stream of writes, without prune(): info() right after the writes
 * reports at most maxSize + 10 %, each eviction is counted and announced once (one entry removed =
 * one `cache:evict`), concurrent background checks do not empty the namespace, and an entry larger
 * than maxSize on its own is dropped instead of evicting everything else for it.
 */
import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { manager } from './_manager.js'

const VALUE = 'v'.repeat(500)

function entriesOnDisk(dir: string): number {
  return readdirSync(dir, { recursive: true }).map(String).filter(f => f.endsWith('.e') && !f.split('/').pop()!.startsWith('.')).length
}

describe('maxSize of one namespace while writing', () => {
  it('fs: info() right after a loop of writes is within the limit, and evictions are counted once each', async () => {
    const cap = 10_000
    const { m, hooks, dir } = manager({ driver: 'fs', maxSize: cap, compress: false })
    const evicted: string[] = []
    hooks.hook('cache:evict', e => { evicted.push(e.key) })
    for (let i = 0; i < 100; i++) await m.root.set(`k${i}`, VALUE)
    const info = await m.root.info()
    expect(info.bytes).toBeLessThanOrEqual(cap * 1.1)
    expect(info.bytes).toBeGreaterThan(cap * 0.8)
    await m.close()
    const kept = entriesOnDisk(dir)
    expect(kept).toBe(info.entries)
    // every entry written is either on disk or evicted, exactly once
    expect(new Set(evicted).size).toBe(evicted.length)
    expect(evicted.length).toBe(100 - kept)
    expect(m.root.stats().evictions).toBe(evicted.length)
    // the newest entries stayed
    expect(await m.root.get('k99')).toBe(VALUE)
  })

  it('fs: a burst of concurrent writes does not empty the namespace', async () => {
    const cap = 10_000
    const { m, hooks } = manager({ driver: 'fs', maxSize: cap, compress: false })
    let evictions = 0
    hooks.hook('cache:evict', () => { evictions++ })
    await Promise.all(Array.from({ length: 100 }, (_, i) => m.root.set(`p${i}`, VALUE)))
    const info = await m.root.info()
    expect(info.bytes).toBeLessThanOrEqual(cap * 1.1)
    expect(info.bytes).toBeGreaterThan(cap * 0.8)
    expect(evictions).toBe(100 - info.entries)
    await m.close()
  })

  for (const driver of ['memory', 'fs'] as const) {
    it(`${driver}: an entry larger than maxSize is not kept and evicts nothing else`, async () => {
      const cap = 10_000
      const { m, hooks } = manager({ driver, maxSize: cap, compress: false })
      for (let i = 0; i < 5; i++) await m.root.set(`k${i}`, VALUE)
      await m.root.set('big', 'old')
      const evicted: string[] = []
      hooks.hook('cache:evict', e => { evicted.push(e.key) })
      await m.root.set('big', 'z'.repeat(20_000))
      const info = await m.root.info()
      expect(info.bytes).toBeLessThanOrEqual(cap)
      expect(await m.root.get('big')).toBeNull() // neither the new value nor the old one
      for (let i = 0; i < 5; i++) expect(await m.root.get(`k${i}`)).toBe(VALUE)
      expect(evicted).toEqual(['big'])
      await m.close()
    })
  }

  it('memory: an entry under its namespace limit but over the cap over all namespaces evicts nothing else', async () => {
    const { m, hooks } = manager({ driver: 'memory', maxSize: 10_000, compress: false, namespaces: { large: { maxSize: 1_000_000 } } })
    for (let i = 0; i < 5; i++) await m.root.set(`k${i}`, VALUE)
    const evicted: string[] = []
    hooks.hook('cache:evict', e => { evicted.push(`${e.namespace}/${e.key}`) })
    await m.namespace('large').set('big', 'z'.repeat(20_000))
    expect(await m.namespace('large').get('big')).toBeNull()
    for (let i = 0; i < 5; i++) expect(await m.root.get(`k${i}`)).toBe(VALUE)
    expect(evicted).toEqual(['large/big'])
    await m.close()
  })
})
