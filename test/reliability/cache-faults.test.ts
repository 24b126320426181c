/**
 * Faults the fs cache survives: corrupt entries of every kind, the cache dir deleted mid-run, an
 * unwritable cache dir for an unprivileged process, and writers killed with SIGKILL again and again.
 * Heavy variant: UNPERF_SOAK=1 (200 kills instead of 20).
 */
import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildManager } from '../cache/_config.js'
import { tempDir } from '../helpers/tmp.js'
import { bundleCacheLib } from './_cache-lib.js'

const SOAK = process.env.UNPERF_SOAK === '1'
const KILLS = SOAK ? 200 : 20

function entryFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter(e => e.isFile() && e.name.endsWith('.e')).map(e => join(e.parentPath, e.name))
}
function allFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter(e => e.isFile()).map(e => join(e.parentPath, e.name))
}

let lib: string
let libDir: string
beforeAll(async () => {
  ;({ lib, libDir } = await bundleCacheLib('unperf-rel-lib-'))
}, 60_000)

describe('corrupt entries', () => {
  it('truncated, random-bytes, wrong-hash, future-format and empty entries are misses that verify() removes; the key works again', async () => {
    const dir = tempDir('unperf-rel-')
    const cwd = tempDir('unperf-rel-cwd-')
    const { m, cache } = buildManager({ driver: 'fs', dir, cwd, compress: false })
    const kinds = ['truncated', 'random', 'wrong-hash', 'future', 'empty'] as const
    for (const k of kinds) await cache.set(k, { kind: k, body: 'x'.repeat(2000) })
    await m.close()
    const files = entryFiles(dir)
    expect(files).toHaveLength(kinds.length)
    for (const file of files) {
      const data = readFileSync(file)
      const kind = kinds.find(k => data.includes(Buffer.from(`"kind":"${k}"`)))!
      if (kind === 'truncated') writeFileSync(file, data.subarray(0, data.length - 500))
      if (kind === 'random') writeFileSync(file, randomBytes(data.length))
      if (kind === 'wrong-hash') { const copy = Buffer.from(data); copy[copy.length - 10] ^= 1; writeFileSync(file, copy) }
      if (kind === 'future') writeFileSync(file, Buffer.concat([Buffer.from('UNPERF9\n'), data.subarray(8)]))
      if (kind === 'empty') writeFileSync(file, '')
    }
    const fresh = buildManager({ driver: 'fs', dir, cwd, compress: false })
    let errors = 0
    fresh.hooks.hook('cache:error', () => { errors++ })
    for (const k of kinds) expect(await fresh.cache.get(k), k).toBeNull()
    expect(errors).toBeGreaterThan(0)
    await fresh.cache.verify()
    expect(entryFiles(dir).length).toBe(0)
    for (const k of kinds) {
      await fresh.cache.set(k, { kind: k })
      expect(await fresh.cache.get(k)).toEqual({ kind: k })
    }
    expect((await fresh.cache.verify()).corrupt).toBe(0)
    await fresh.m.close()
  })

  it('a directory where an entry file should be: a miss reported as corrupt, removed by get(), verify() and prune(), the tier stays up', async () => {
    const dir = tempDir('unperf-rel-')
    const cwd = tempDir('unperf-rel-cwd-')
    const { m, cache } = buildManager({ driver: 'fs', dir, cwd, compress: false })
    for (const k of ['read', 'verified', 'pruned', 'rewritten', 'ok']) await cache.set(k, k)
    await m.close()
    const fileOf = (k: string) => entryFiles(dir).find(f => f.endsWith(`/${k}.e`))!
    const dirs: Record<string, string> = {}
    const toDir = (file: string) => {
      rmSync(file, { force: true })
      mkdirSync(join(file, 'inner'), { recursive: true })
      writeFileSync(join(file, 'inner', 'f'), 'x')
    }
    for (const k of ['read', 'verified', 'pruned', 'rewritten']) toDir(dirs[k] = fileOf(k))
    const nsDir = join(dirs.read!, '..')
    const fresh = buildManager({ driver: 'fs', dir, cwd, compress: false })
    const codes: string[] = []
    fresh.hooks.hook('cache:error', (e: { code: string }) => { codes.push(e.code) })
    expect(await fresh.cache.get('read')).toBeNull()
    expect(codes).toEqual(['E_CORRUPT'])
    expect(fresh.cache.stats().errors).toBe(1)
    expect(readdirSync(nsDir)).not.toContain('read.e')
    expect(await fresh.cache.get('ok')).toBe('ok') // the fs tier was not given up
    // a write over the directory moves it aside; prune() removes the aside
    await fresh.cache.set('rewritten', 'new')
    expect(await fresh.cache.get('rewritten')).toBe('new')
    expect((await fresh.cache.verify()).corrupt).toBe(2) // 'verified' and 'pruned'
    expect(readdirSync(nsDir)).not.toContain('verified.e')
    toDir(dirs.pruned!)
    await fresh.cache.prune()
    const left = readdirSync(nsDir, { withFileTypes: true })
    expect(left.filter(e => e.isDirectory()).map(e => e.name)).toEqual([])
    expect(left.map(e => e.name).filter(n => n.endsWith('.e')).sort()).toEqual(['ok.e', 'rewritten.e'])
    expect(await fresh.cache.get('rewritten')).toBe('new')
    await fresh.m.close()
  })
})

describe('the cache dir goes away or turns read-only', () => {
  it('a cache dir deleted mid-run: no call throws, reads miss, later writes recreate it and work', async () => {
    const dir = join(tempDir('unperf-rel-'), 'cache')
    const { m, cache } = buildManager({ driver: 'fs', dir, cwd: tempDir('unperf-rel-cwd-') })
    await cache.set('a', 1)
    rmSync(dir, { recursive: true, force: true })
    expect(await cache.get('a')).toBeNull()
    await cache.set('b', 2)
    expect(await cache.get('b')).toBe(2)
    expect(await cache.wrap('c', () => 3)).toBe(3)
    expect(await cache.keys()).toEqual(expect.arrayContaining(['b']))
    await cache.prune()
    await cache.info()
    await m.close()
  })

  const nobody = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'true']).status === 0
  it.skipIf(!nobody)('an unprivileged process with an unwritable cache dir: every call answers (wrap runs fn), nothing throws, exit 0', async () => {
    const base = tempDir('unperf-rel-ro-')
    chmodSync(base, 0o755)
    const dir = join(base, 'cache')
    mkdirSync(dir, { mode: 0o755 }) // owned by root: read-only for nobody
    const cwd = join(base, 'cwd')
    mkdirSync(cwd, { mode: 0o755 })
    const script = `const { buildManager } = await import(${JSON.stringify(lib)})
      const { m, cache, warnings } = buildManager({ driver: ['memory', 'fs'], dir: ${JSON.stringify(dir)}, cwd: ${JSON.stringify(cwd)} })
      await cache.set('k', 1)
      const got = await cache.get('k')
      let calls = 0
      const w1 = await cache.wrap('w', () => { calls++; return 'v' })
      const w2 = await cache.wrap('w', () => { calls++; return 'v' })
      await cache.keys(); await cache.prune(); await cache.verify(); await cache.info(); await cache.clear()
      await m.close()
      console.log(JSON.stringify({ got, w1, w2, calls, warnings: warnings.length }))`
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--input-type=module', '-e', script], { cwd: libDir, encoding: 'utf8', env: { ...process.env, HOME: base, XDG_CACHE_HOME: join(base, 'xdg') } })
    expect(r.status, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { got: unknown; w1: string; w2: string; calls: number; warnings: number }
    expect(out).toMatchObject({ w1: 'v', w2: 'v' })
    expect(out.calls).toBeLessThanOrEqual(2)
    expect(allFiles(dir)).toEqual([]) // nothing was written by nobody
  }, 30_000)
})

describe('SIGKILL during writes', () => {
  it("a scope summary's temp file left by a killed process is removed by prune() once stale, kept while young", async () => {
    const dir = tempDir('unperf-rel-kill-')
    const { m, cache } = buildManager({ driver: 'fs', dir, cwd: tempDir('unperf-rel-kill-cwd-'), compress: false })
    await cache.set('a', 1)
    const scope = join(dir, readdirSync(dir).find(n => n.startsWith('s_'))!)
    writeFileSync(join(scope, '.budget.999991.tmp'), '{"at":')
    writeFileSync(join(scope, '.budget.999992.tmp'), '{"at":')
    const old = new Date(Date.now() - 3_600_000)
    utimesSync(join(scope, '.budget.999991.tmp'), old, old)
    await cache.prune()
    expect(readdirSync(scope).filter(n => n.endsWith('.tmp'))).toEqual(['.budget.999992.tmp'])
    await m.close()
  })


  it(`${KILLS} writers killed with SIGKILL mid-write: every readable entry is one that was written, verify() finds nothing corrupt, prune() leaves no stale temp file`, async () => {
    const dir = tempDir('unperf-rel-kill-')
    const cwd = tempDir('unperf-rel-kill-cwd-')
    const script = `const { buildManager } = await import(${JSON.stringify(lib)})
      const { cache } = buildManager({ driver: 'fs', dir: ${JSON.stringify(dir)}, cwd: ${JSON.stringify(cwd)}, compress: false })
      const gen = Number(process.argv[1])
      for (let i = 0; ; i++) {
        const key = 'k' + (i % 7)
        const size = 1000 + ((i * 7919) % 200000)
        await cache.set(key, { key, gen, i, body: String(gen).padEnd(size, '.') })
        if (i === 3) process.stdout.write('ready\\n')
      }`
    for (let gen = 0; gen < KILLS; gen++) {
      const proc = spawn(process.execPath, ['--input-type=module', '-e', script, String(gen)], { cwd: libDir, stdio: ['ignore', 'pipe', 'inherit'] })
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('writer never got ready')), 20_000)
        proc.stdout.on('data', () => { clearTimeout(t); resolve() })
      })
      await new Promise(r => setTimeout(r, (gen * 13) % 40))
      proc.kill('SIGKILL')
      await new Promise(r => proc.on('close', r))
    }
    const { m, cache } = buildManager({ driver: 'fs', dir, cwd, compress: false })
    for (let k = 0; k < 7; k++) {
      const v = await cache.get<{ key: string; gen: number; i: number; body: string }>(`k${k}`)
      if (v === null) continue
      expect(v.key).toBe(`k${k}`)
      expect(v.gen).toBeLessThan(KILLS)
      expect(v.body).toBe(String(v.gen).padEnd(1000 + ((v.i * 7919) % 200000), '.'))
    }
    expect((await cache.verify()).corrupt).toBe(0)
    // temp files of killed writers: kept while young (another process may be writing), gone once stale
    const old = new Date(Date.now() - 3_600_000)
    for (const f of allFiles(dir).filter(f => f.endsWith('.tmp'))) utimesSync(f, old, old)
    await cache.prune()
    expect(allFiles(dir).filter(f => f.endsWith('.tmp'))).toEqual([])
    await m.close()
  }, SOAK ? 600_000 : 120_000)
})
