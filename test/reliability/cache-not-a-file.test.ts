/**
 * Something other than a regular file under an entry's (or its aside's) name: a symlink (to another
 * namespace's entry of the same key, another key's entry, a directory, nowhere) or a FIFO. Each is
 * a miss, reported (`cache:error` E_CORRUPT, stats().errors), removed by get(), verify() and
 * prune(); never followed (no other namespace's value is served), never a hang.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, lstatSync, readdirSync, rmSync, symlinkSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildManager } from '../cache/_config.js'
import { tempDir } from '../helpers/tmp.js'
import { bundleCacheLib } from './_cache-lib.js'

/** The namespace dirs of the one scope in `dir`. */
function nsDir(dir: string, ns: string): string {
  const scope = readdirSync(dir).find(n => n.startsWith('s_'))!
  return join(dir, scope, `n-${ns}`)
}
const kindOf = (path: string) => {
  const st = lstatSync(path, { throwIfNoEntry: false })
  return !st ? 'gone' : st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : st.isFIFO() ? 'fifo' : 'file'
}

const LINKS = ['same-key-elsewhere', 'other-key', 'to-dir', 'dangling'] as const

/** Entries replaced by symlinks: to the `other` namespace's entry of the same key, to `ok`'s entry, to a directory, to nothing. */
function plantLinks(dir: string, outside: string) {
  const own = nsDir(dir, 'default')
  const other = nsDir(dir, 'other')
  const targets: Record<(typeof LINKS)[number], string> = {
    'same-key-elsewhere': join(other, 'same-key-elsewhere.e'),
    'other-key': join(own, 'ok.e'),
    'to-dir': outside,
    dangling: join(outside, 'nothing-here'),
  }
  for (const k of LINKS) {
    rmSync(join(own, `${k}.e`), { force: true })
    symlinkSync(targets[k], join(own, `${k}.e`))
  }
  return { own, other }
}

/** LINKS and 'ok' written, then LINKS replaced by planted symlinks (plantLinks); `fresh`: a new manager on that dir. */
async function linkedCache() {
  const dir = tempDir('unperf-nf-')
  const cwd = tempDir('unperf-nf-cwd-')
  const outside = tempDir('unperf-nf-outside-')
  const { m, cache } = buildManager({ driver: 'fs', dir, cwd })
  for (const k of [...LINKS, 'ok']) await cache.set(k, { k })
  await cache.namespace('other').set('same-key-elsewhere', { from: 'other' })
  await m.close()
  const { own, other } = plantLinks(dir, outside)
  return { dir, outside, own, other, fresh: buildManager({ driver: 'fs', dir, cwd }) }
}

describe('symlinks under entry names', () => {
  it('get(): a miss reported as E_CORRUPT and counted, the link removed, its target untouched; no other namespace\'s value is served', async () => {
    const { outside, own, other, fresh } = await linkedCache()
    const reported: { key?: string; code: string }[] = []
    fresh.hooks.hook('cache:error', (e: { key?: string; code: string }) => { reported.push({ key: e.key, code: e.code }) })
    for (const k of LINKS) expect(await fresh.cache.get(k), k).toBeNull()
    expect(reported.sort((a, b) => a.key!.localeCompare(b.key!))).toEqual([...LINKS].sort().map(key => ({ key, code: 'E_CORRUPT' })))
    expect(fresh.cache.stats().errors).toBe(LINKS.length)
    for (const k of LINKS) expect(kindOf(join(own, `${k}.e`)), k).toBe('gone')
    // what they pointed to is still there and still its own
    expect(kindOf(join(other, 'same-key-elsewhere.e'))).toBe('file')
    expect(await fresh.cache.namespace('other').get('same-key-elsewhere')).toEqual({ from: 'other' })
    expect(await fresh.cache.get('ok')).toEqual({ k: 'ok' })
    expect(existsSync(outside)).toBe(true)
    // the keys work again
    await fresh.cache.set('same-key-elsewhere', { k: 'again' })
    expect(await fresh.cache.get('same-key-elsewhere')).toEqual({ k: 'again' })
    await fresh.m.close()
  })

  it('verify() and prune() remove them as corrupt (and keys() never lists one), targets untouched', async () => {
    const { dir, outside, own, other, fresh } = await linkedCache()
    expect((await fresh.cache.keys()).sort()).toEqual(['ok'])
    expect(await fresh.cache.verify()).toMatchObject({ corrupt: LINKS.length, removed: LINKS.length })
    expect(readdirSync(own).filter(n => n.endsWith('.e'))).toEqual(['ok.e'])
    plantLinks(dir, outside)
    const evicted: string[] = []
    fresh.hooks.hook('cache:evict', (e: { reason: string }) => { evicted.push(e.reason) })
    await fresh.cache.prune()
    expect(readdirSync(own).filter(n => n.endsWith('.e'))).toEqual(['ok.e'])
    expect(evicted).toEqual(LINKS.map(() => 'corrupt'))
    expect(kindOf(join(other, 'same-key-elsewhere.e'))).toBe('file')
    expect(await fresh.cache.namespace('other').get('same-key-elsewhere')).toEqual({ from: 'other' })
    await fresh.m.close()
  })

  it("a symlink under an entry's aside name (no entry): a miss, never linked back, removed", async () => {
    const dir = tempDir('unperf-nf-')
    const cwd = tempDir('unperf-nf-cwd-')
    const { m, cache } = buildManager({ driver: 'fs', dir, cwd })
    await cache.set('k', { mine: true })
    await cache.namespace('other').set('k', { from: 'other' })
    await m.close()
    const own = nsDir(dir, 'default')
    rmSync(join(own, 'k.e'))
    symlinkSync(join(nsDir(dir, 'other'), 'k.e'), join(own, '.k.e.aside'))
    const fresh = buildManager({ driver: 'fs', dir, cwd })
    expect(await fresh.cache.get('k')).toBeNull()
    expect(readdirSync(own).filter(n => n.includes('k.e'))).toEqual([])
    // and the leftover is settled by verify() without linking it back either
    symlinkSync(join(nsDir(dir, 'other'), 'k.e'), join(own, '.k.e.aside'))
    await fresh.cache.verify()
    expect(readdirSync(own).filter(n => n.includes('k.e'))).toEqual([])
    expect(await fresh.cache.get('k')).toBeNull()
    await fresh.m.close()
  })
})

describe('a symlinked namespace dir', () => {
  it("is refused: no other namespace's entry is read, nothing in it is written, listed, cleared or pruned; the warning names the dir", async () => {
    const dir = tempDir('unperf-nf-')
    const cwd = tempDir('unperf-nf-cwd-')
    const { m, cache } = buildManager({ driver: 'fs', dir, cwd })
    await cache.set('token', 'mine')
    await cache.namespace('secrets').set('token', 'from secrets')
    await m.close()
    const own = nsDir(dir, 'default')
    const secrets = nsDir(dir, 'secrets')
    rmSync(own, { recursive: true })
    symlinkSync(secrets, own)
    const fresh = buildManager({ driver: 'fs', dir, cwd })
    const codes: string[] = []
    fresh.hooks.hook('cache:error', (e: { code: string }) => { codes.push(e.code) })
    expect(await fresh.cache.get('token')).toBeNull()
    expect(await fresh.cache.keys()).toEqual([])
    await fresh.cache.set('other', 1)
    await fresh.cache.clear()
    await fresh.cache.prune()
    expect(readdirSync(secrets).filter(n => n.endsWith('.e'))).toEqual(['token.e'])
    expect(await fresh.cache.namespace('secrets').get('token')).toBe('from secrets')
    expect(codes.length).toBeGreaterThan(0)
    expect(fresh.warnings.join('\n')).toContain(`refusing the cache dir ${own}: it is a symlink`)
    await fresh.m.close()
  })
})

describe('a FIFO under an entry name', () => {
  let lib: string
  let libDir: string
  beforeAll(async () => {
    ;({ lib, libDir } = await bundleCacheLib('unperf-nf-lib-'))
  }, 60_000)

  const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0
  it.skipIf(!hasMkfifo)('get(), keys(), verify() and prune() in a child process: no hang, a miss reported as E_CORRUPT, the FIFO removed, the tier kept', async () => {
    const dir = tempDir('unperf-nf-')
    const cwd = tempDir('unperf-nf-cwd-')
    const { m, cache } = buildManager({ driver: 'fs', dir, cwd })
    for (const k of ['read', 'verified', 'pruned', 'ok']) await cache.set(k, k)
    await m.close()
    const own = nsDir(dir, 'default')
    for (const k of ['read', 'verified', 'pruned']) {
      rmSync(join(own, `${k}.e`))
      expect(spawnSync('mkfifo', [join(own, `${k}.e`)]).status).toBe(0)
    }
    const script = `const { buildManager } = await import(${JSON.stringify(lib)})
      const { m, cache, hooks } = buildManager({ driver: 'fs', dir: ${JSON.stringify(dir)}, cwd: ${JSON.stringify(cwd)} })
      const codes = []
      hooks.hook('cache:error', e => { codes.push(e.key + ' ' + e.code) })
      const read = await cache.get('read')
      const ok = await cache.get('ok')
      const keys = (await cache.keys()).sort()
      const verify = await cache.verify()
      const pruned = await cache.prune()
      const after = await cache.get('ok')
      const errors = cache.stats().errors
      await m.close()
      console.log(JSON.stringify({ read, ok, keys, verify, pruned, after, codes, errors }))`
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: libDir, encoding: 'utf8', timeout: 20_000, killSignal: 'SIGKILL' })
    expect(r.signal, 'the child hung on the FIFO and was killed').toBeNull()
    expect(r.status, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>
    expect(out).toMatchObject({ read: null, ok: 'ok', after: 'ok' })
    expect(out.keys).toEqual(['ok'])
    // verify() found the other two ('verified', 'pruned'), each reported by its key as get()'s was; errors count get()'s and verify()'s
    expect((out.codes as string[]).sort()).toEqual(['pruned E_CORRUPT', 'read E_CORRUPT', 'verified E_CORRUPT'])
    expect(out.verify).toMatchObject({ corrupt: 2, removed: 2 })
    expect(out.errors).toBe(3)
    expect(readdirSync(own).filter(n => n.endsWith('.e'))).toEqual(['ok.e'])
  }, 60_000)

  it.skipIf(!hasMkfifo)("FIFOs under the cache's marker names (.budget, .last-scope-prune, .last-used, .swept): a run in a child process writes, reads and exits, no hang", async () => {
    const dir = tempDir('unperf-nf-')
    const cwd = tempDir('unperf-nf-cwd-')
    const { m, cache } = buildManager({ driver: 'fs', dir, cwd })
    await cache.set('a', 1)
    await cache.prune()
    await m.close()
    const scope = join(dir, readdirSync(dir).find(n => n.startsWith('s_'))!)
    const markers = [join(scope, '.budget'), join(dir, '.last-scope-prune'), join(scope, '.last-used'), join(scope, 'n-default', '.swept')]
    // two days old: the next run reads each and writes each again (.last-used, .swept are rewritten hourly)
    const old = new Date(Date.now() - 2 * 86_400_000)
    for (const f of markers) {
      rmSync(f, { force: true })
      expect(spawnSync('mkfifo', [f]).status).toBe(0)
      utimesSync(f, old, old)
    }
    const script = `const { buildManager } = await import(${JSON.stringify(lib)})
      const { m, cache } = buildManager({ driver: 'fs', dir: ${JSON.stringify(dir)}, cwd: ${JSON.stringify(cwd)} })
      await cache.set('b', 2)
      const b = await cache.get('b')
      const a = await cache.get('a')
      await cache.prune()
      await m.close()
      console.log(JSON.stringify({ a, b }))`
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: libDir, encoding: 'utf8', timeout: 20_000, killSignal: 'SIGKILL' })
    expect(r.signal, 'the child hung on a FIFO and was killed').toBeNull()
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toEqual({ a: 1, b: 2 })
  }, 60_000)
})
