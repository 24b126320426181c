/**
 * An entry file copied (not linked) from one namespace's dir into another's under the same name (a
 * sync tool, a backup restored over the wrong dir, someone tidying the cache by hand) held the right
 * key and a valid checksum, so it was served as the other namespace's value. Entries now carry a
 * tag of their scope, namespace and key (envelope.ts): a copied one is a miss, removed and reported
 * (cache:error E_CORRUPT), by get(), keys() and verify(). Entries written before the tag are a
 * silent miss (never another namespace's value, never an error), rewritten by the next set.
 */
import { copyFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { encodeEntry } from '../../src/drivers/envelope.js'
import { buildManager } from '../cache/_config.js'
import { tempDir } from '../helpers/tmp.js'

/** The namespace dir `ns` of the one scope in `dir`. */
function nsDir(dir: string, ns: string): string {
  return join(dir, readdirSync(dir).find(n => n.startsWith('s_'))!, `n-${ns}`)
}

type Reported = { namespace: string; key?: string; code: string }
function errorsOf(hooks: ReturnType<typeof buildManager>['hooks']): Reported[] {
  const out: Reported[] = []
  hooks.hook('cache:error', (e: Reported) => { out.push({ namespace: e.namespace, key: e.key, code: e.code }) })
  return out
}

describe('an entry file copied into another namespace\'s dir', () => {
  it('get(): a miss, reported as E_CORRUPT and removed; the source namespace still serves its own value', async () => {
    const dir = tempDir('unperf-copy-')
    const cwd = tempDir('unperf-copy-cwd-')
    const first = buildManager({ driver: 'fs', dir, cwd })
    await first.cache.namespace('prices').set('item', { price: 100 })
    await first.cache.namespace('discounts').set('other', 1)
    await first.m.close()
    copyFileSync(join(nsDir(dir, 'prices'), 'item.e'), join(nsDir(dir, 'discounts'), 'item.e'))

    const { m, cache, hooks, warnings } = buildManager({ driver: 'fs', dir, cwd })
    const errors = errorsOf(hooks)
    expect(await cache.namespace('discounts').get('item')).toBeNull()
    expect(errors).toEqual([{ namespace: 'discounts', key: 'item', code: 'E_CORRUPT' }])
    expect(warnings.join('\n')).toContain('the entry belongs to another namespace or scope')
    expect(existsSync(join(nsDir(dir, 'discounts'), 'item.e'))).toBe(false)
    expect(await cache.namespace('prices').get('item')).toEqual({ price: 100 })
    // the key works in its new namespace once written there
    await cache.namespace('discounts').set('item', { price: 90 })
    expect(await cache.namespace('discounts').get('item')).toEqual({ price: 90 })
    await m.close()
  })

  it('keys() does not list it and verify() removes it as corrupt', async () => {
    const dir = tempDir('unperf-copy-')
    const cwd = tempDir('unperf-copy-cwd-')
    const first = buildManager({ driver: 'fs', dir, cwd })
    await first.cache.namespace('a').set('k', 'from a')
    await first.cache.namespace('b').set('own', 'from b')
    await first.m.close()
    copyFileSync(join(nsDir(dir, 'a'), 'k.e'), join(nsDir(dir, 'b'), 'k.e'))

    const { m, cache } = buildManager({ driver: 'fs', dir, cwd })
    expect(await cache.namespace('b').keys()).toEqual(['own'])
    expect(await cache.namespace('b').verify()).toMatchObject({ corrupt: 1, removed: 1 })
    expect(readdirSync(nsDir(dir, 'b')).filter(n => n.endsWith('.e'))).toEqual(['own.e'])
    expect(await cache.namespace('a').verify()).toMatchObject({ corrupt: 0 })
    await m.close()
  })

  it('copied from another scope (another version of the CLI) into the same namespace: a miss, reported', async () => {
    const dir = tempDir('unperf-copy-')
    const cwd = tempDir('unperf-copy-cwd-')
    const old = buildManager({ driver: 'fs', dir, cwd, scope: 'old-scope' })
    await old.cache.set('k', 'old value')
    await old.m.close()
    const [oldScope] = readdirSync(dir).filter(n => n.startsWith('s_'))
    const now = buildManager({ driver: 'fs', dir, cwd, scope: 'new-scope' })
    await now.cache.set('unrelated', 1)
    const errors = errorsOf(now.hooks)
    const newScope = readdirSync(dir).find(n => n.startsWith('s_') && n !== oldScope)!
    copyFileSync(join(dir, oldScope!, 'n-default', 'k.e'), join(dir, newScope, 'n-default', 'k.e'))
    expect(await now.cache.get('k')).toBeNull()
    expect(errors).toEqual([{ namespace: 'default', key: 'k', code: 'E_CORRUPT' }])
    await now.m.close()
  })

  it('an entry written before entries were tagged: a silent miss (no error), removed, then written and read as usual', async () => {
    const dir = tempDir('unperf-copy-')
    const cwd = tempDir('unperf-copy-cwd-')
    const { m, cache, hooks } = buildManager({ driver: 'fs', dir, cwd })
    await cache.set('seed', 1)
    const errors = errorsOf(hooks)
    const file = join(nsDir(dir, 'default'), 'k.e')
    // the envelope as earlier builds wrote it: no place tag (0)
    writeFileSync(file, encodeEntry({ key: 'k', value: 'old build', createdAt: Date.now(), expiresAt: null, staleFor: 0 }, { compress: false, integrity: true }), { mode: 0o600 })
    expect(await cache.get('k')).toBeNull()
    expect(errors).toEqual([])
    expect(existsSync(file)).toBe(false)
    await cache.set('k', 'new build')
    expect(await cache.get('k')).toBe('new build')
    await m.close()
  })
})
