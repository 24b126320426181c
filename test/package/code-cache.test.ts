/**
 * The start path runs as a script compiled with V8's code cache (Node 20 has none for ES modules):
 * written at the first exit, 0600 in a 0700 dir, written once more by the second run (with what that
 * run compiled too: the first is most often a cold one), reused as long as V8 accepts it, replaced when it
 * is damaged, and never needed: UNPERF_CODE_CACHE=0 or an unwritable home just compile each time.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, chownSync, cpSync, mkdirSync, rmSync, symlinkSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist')
/** the build's content hashes of its start script and of its lazy chunks' script */
const hashesOf = (kind: 'start' | 'lazy') => readdirSync(join(dist, '_chunks')).map(n => new RegExp(`^index\\.${kind}-([0-9a-f]{16})\\.js$`).exec(n)?.[1]).filter(h => h !== undefined)
const hashOf = (kind: 'start' | 'lazy') => hashesOf(kind)[0]!
/** A cache file's MAGIC (scripts/start-prologue.mjs): the first run's (written again by the next run), or for good. */
const MAGIC_FIRST = 0x31637075
const MAGIC = 0x63637075
const magicOf = (path: string) => readFileSync(path).readUInt32LE(0)

function host() {
  const dir = tempDir('unperf-code-cache-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'cc-host', version: '1.0.0', type: 'module' }))
  mkdirSync(join(dir, 'node_modules')) // a project's: the config snapshot goes there, not into the platform cache dir
  writeFileSync(join(dir, 'main.mjs'), `
    import { createPerf, ConfigError } from ${JSON.stringify(join(dist, 'index.mjs'))}
    const perf = await createPerf({ overrides: { report: { console: false } } })
    const out = await perf.run('hello', async () => 'ran ' + typeof ConfigError)
    await perf.close()
    console.log(out)`)
  const xdg = join(dir, 'xdg')
  const run = (env: NodeJS.ProcessEnv = {}) =>
    execFileSync(process.execPath, ['main.mjs'], { cwd: dir, env: { ...process.env, XDG_CACHE_HOME: xdg, ...env }, encoding: 'utf8' }).trim()
  const cacheDir = join(xdg, 'unperf', 'code-cache')
  const files = () => { try { return readdirSync(cacheDir) } catch { return [] } }
  const startCache = () => files().find(n => n.includes(`-${hashOf('start')}-`))
  return { run, cacheDir, files, startCache, xdg }
}

describe('V8 code cache of the start path', () => {
  it('is written at the first exit (0600 in a 0700 dir), once more by the second run, with what that run compiled too, then reused, untouched', () => {
    const h = host()
    expect(h.run()).toBe('ran function')
    const file = h.startCache()
    for (const name of h.files()) expect(name).toMatch(/^\d+\.\d+\.\d+[^-]*-[0-9a-f]{16}-[0-9a-f]{8}-v\d+\.\d+\.\d+-\w+\.v8$/)
    expect(file).toMatch(/^\d+\.\d+\.\d+[^-]*-[0-9a-f]{16}-[0-9a-f]{8}-v\d+\.\d+\.\d+-\w+\.v8$/)
    const path = join(h.cacheDir, file!)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(statSync(h.cacheDir).mode & 0o777).toBe(0o700)
    // the first run's (most often a cold one: its code paths are not a warm run's): marked to be written again
    expect(magicOf(path)).toBe(MAGIC_FIRST)
    const first = statSync(path)
    expect(h.run()).toBe('ran function')
    const second = statSync(path)
    expect(second.ino).not.toBe(first.ino)
    expect(magicOf(path)).toBe(MAGIC)
    // what the first run compiled, and what this one did
    expect(second.size).toBeGreaterThanOrEqual(first.size)
    expect((second.mode & 0o777)).toBe(0o600)
    expect(h.run()).toBe('ran function')
    const after = statSync(path)
    // accepted by V8, and for good: not rewritten
    expect([after.mtimeMs, after.ino]).toEqual([second.mtimeMs, second.ino])
  })

  it('one cache per set of node flags: a CLI run with and without NODE_OPTIONS keeps both, rewriting neither once each was written again', () => {
    const h = host()
    const flagged = { NODE_OPTIONS: '--max-old-space-size=300' }
    h.run(flagged)
    h.run()
    const starts = () => h.files().filter(n => n.includes(`-${hashOf('start')}-`)).sort()
    expect(starts()).toHaveLength(2)
    expect(starts().map(n => magicOf(join(h.cacheDir, n)))).toEqual([MAGIC_FIRST, MAGIC_FIRST])
    h.run(flagged)
    h.run()
    expect(starts().map(n => magicOf(join(h.cacheDir, n)))).toEqual([MAGIC, MAGIC])
    const stamp = () => starts().map(n => { const s = statSync(join(h.cacheDir, n)); return [s.mtimeMs, s.ino] })
    const before = stamp()
    expect(h.run(flagged)).toBe('ran function')
    expect(h.run()).toBe('ran function')
    expect(stamp()).toEqual(before)
  })

  it('a damaged cache is rejected by V8, compiled afresh and replaced', () => {
    const h = host()
    h.run()
    const path = join(h.cacheDir, h.startCache()!)
    writeFileSync(path, Buffer.alloc(4096, 7))
    expect(h.run()).toBe('ran function')
    expect(readFileSync(path).equals(Buffer.alloc(4096, 7))).toBe(false)
    expect(statSync(path).size).toBeGreaterThan(10_000)
  })

  it('damaged data behind an intact header is not used (V8 does not check it: the process crashed with SIGSEGV on every start), and is replaced', () => {
    const h = host()
    h.run()
    const path = join(h.cacheDir, h.startCache()!)
    const garbled = readFileSync(path)
    for (let i = 200; i < garbled.length; i += 97) garbled[i]! ^= 0x5a
    writeFileSync(path, garbled)
    const r = spawnSync(process.execPath, ['main.mjs'], { cwd: join(h.xdg, '..'), env: { ...process.env, XDG_CACHE_HOME: h.xdg }, encoding: 'utf8' })
    expect([r.signal, r.status, r.stdout.trim()]).toEqual([null, 0, 'ran function'])
    expect(readFileSync(path).equals(garbled)).toBe(false)
    expect(h.run()).toBe('ran function')
  })

  it.skipIf(process.platform === 'win32')('a FIFO under a cache file\'s name is not read (a blocking read hung every start for good) and is replaced', () => {
    const h = host()
    h.run()
    const path = join(h.cacheDir, h.startCache()!)
    rmSync(path)
    execFileSync('mkfifo', ['-m', '600', path])
    const r = spawnSync(process.execPath, ['main.mjs'], { cwd: join(h.xdg, '..'), env: { ...process.env, XDG_CACHE_HOME: h.xdg }, encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL' })
    expect([r.signal, r.status, r.stdout.trim()], 'SIGKILL: killed after 30 s, hung').toEqual([null, 0, 'ran function'])
    expect(statSync(path).isFile()).toBe(true)
    expect(h.run()).toBe('ran function')
  })

  it('a cache copied elsewhere (another mtime, same bytes) is checked once, used and not rewritten', () => {
    const h = host()
    h.run()
    h.run() // written again by the second run: for good
    const path = join(h.cacheDir, h.startCache()!)
    const bytes = readFileSync(path)
    writeFileSync(path, bytes) // a new mtime, as cp without -p or a restored backup gives
    const copied = statSync(path)
    expect(h.run()).toBe('ran function')
    expect(readFileSync(path).equals(bytes)).toBe(true)
    expect(statSync(path).ino).toBe(copied.ino)
    // its mtime is the one it was written with again: later starts take it without a check
    expect(statSync(path).mtimeMs).not.toBe(copied.mtimeMs)
  })

  it('a cache file someone else could have written (writable by group or others, or another user\'s) is not used but replaced: V8 runs its data as code', () => {
    const h = host()
    h.run()
    const path = join(h.cacheDir, h.startCache()!)
    const foreign = (change: () => void) => {
      change()
      const planted = statSync(path)
      expect(h.run()).toBe('ran function')
      const after = statSync(path)
      expect(after.ino).not.toBe(planted.ino)
      expect([after.mode & 0o777, after.uid]).toEqual([0o600, process.getuid?.() ?? after.uid])
    }
    foreign(() => chmodSync(path, 0o666))
    foreign(() => chmodSync(path, 0o620))
    if (process.getuid?.() === 0) foreign(() => chownSync(path, 65534, 65534))
  })

  it('a write that fails leaves no temp file; temp files a killed process left are removed', () => {
    const h = host()
    h.run()
    const name = h.startCache()!
    const path = join(h.cacheDir, name)
    // the cache file's name taken by a dir: the rename at exit fails (EISDIR) after the temp file was written
    rmSync(path)
    mkdirSync(path)
    const stale = join(h.cacheDir, `${name}.4242.tmp`)
    writeFileSync(stale, 'half')
    utimesSync(stale, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000))
    expect(h.run()).toBe('ran function')
    expect(h.files().filter(n => n.endsWith('.tmp') && n !== `${name}.4242.tmp`)).toEqual([])
    rmSync(path, { recursive: true })
    expect(h.run()).toBe('ran function')
    expect(h.files().filter(n => n.endsWith('.tmp'))).toEqual([])
  })

  it('keeps the caches of the newest 16 builds (a start and three lazy scripts each: 64 files)', () => {
    const h = host()
    mkdirSync(h.cacheDir, { recursive: true })
    for (let i = 0; i < 80; i++) {
      const old = join(h.cacheDir, `0.0.${i}-${'0'.repeat(16)}-00000000-v20.0.0-x64.v8`)
      writeFileSync(old, 'x')
      utimesSync(old, new Date(Date.now() - (i + 1) * 60_000), new Date(Date.now() - (i + 1) * 60_000))
    }
    h.run()
    const left = h.files()
    expect(left).toHaveLength(64)
    const own = left.filter(n => !n.startsWith('0.0.'))
    // this build's own caches (its start script's and, as this first run compiled the config, its lazy chunks')
    expect(own).toContain(h.startCache())
    expect(own.some(n => hashesOf('lazy').some(h => n.includes(`-${h}-`)))).toBe(true)
    // the newest others are kept: 0.0.0 … (the oldest are gone)
    expect(left.filter(n => n.startsWith('0.0.')).sort()).toEqual(Array.from({ length: 64 - own.length }, (_, i) => `0.0.${i}-${'0'.repeat(16)}-00000000-v20.0.0-x64.v8`).sort())
  })

  it('two installs of the same build keep their own caches: stack traces name the install that runs', () => {
    const base = tempDir('unperf-code-cache-installs-')
    const xdg = join(base, 'xdg')
    symlinkSync(join(dist, '..', 'node_modules'), join(base, 'node_modules')) // c12 and friends for both
    const installs = ['one', 'two'].map(name => {
      const dir = join(base, name)
      cpSync(dist, join(dir, 'dist'), { recursive: true })
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `cc-${name}`, version: '1.0.0', type: 'module' }))
      // an error thrown inside unperf's start path (an invalid option) shows where its code ran from
      writeFileSync(join(dir, 'main.mjs'), `
        import { createPerf } from './dist/index.mjs'
        try { await createPerf({ overrides: { report: { console: false }, budgets: { startup: 'soon' } } }) } catch (e) { console.log(e.stack) }`)
      return dir
    })
    const run = (dir: string) => execFileSync(process.execPath, ['main.mjs'], { cwd: dir, env: { ...process.env, XDG_CACHE_HOME: xdg }, encoding: 'utf8' })
    for (const dir of [...installs, ...installs]) {
      const stack = run(dir)
      expect(stack).toMatch(/_chunks\/index\.(start|lazy)-/)
      for (const other of installs.filter(d => d !== dir)) expect(stack).not.toContain(other)
    }
    expect(readdirSync(join(xdg, 'unperf', 'code-cache')).length).toBeGreaterThanOrEqual(2)
  })

  it('never writes (nor removes old files) through unperf/ or unperf/code-cache/ planted as a symlink, another user\'s or open to others (a shared XDG_CACHE_HOME)', () => {
    const planted = (plant: (h: ReturnType<typeof host>, elsewhere: string) => void) => {
      const h = host()
      mkdirSync(h.xdg, { recursive: true })
      // a dir of ours the links lead to, holding files the cleanup of old caches would remove
      const elsewhere = tempDir('unperf-code-cache-elsewhere-')
      for (const n of ['keep.v8', 'keep.tmp']) {
        writeFileSync(join(elsewhere, n), 'mine')
        utimesSync(join(elsewhere, n), new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000))
      }
      plant(h, elsewhere)
      expect(h.run()).toBe('ran function')
      expect(readdirSync(elsewhere).sort()).toEqual(['keep.tmp', 'keep.v8'])
      return h
    }
    planted((h, elsewhere) => symlinkSync(elsewhere, join(h.xdg, 'unperf')))
    planted((h, elsewhere) => { mkdirSync(join(h.xdg, 'unperf'), { mode: 0o700 }); symlinkSync(elsewhere, join(h.xdg, 'unperf', 'code-cache')) })
    // open dirs: nothing written into them (anyone could swap them for a link)
    const open = planted((h, elsewhere) => { mkdirSync(join(h.xdg, 'unperf', 'code-cache'), { recursive: true }); chmodSync(join(h.xdg, 'unperf', 'code-cache'), 0o777) })
    expect(open.files()).toEqual([])
    const openParent = planted((h) => { mkdirSync(join(h.xdg, 'unperf'), { recursive: true }); chmodSync(join(h.xdg, 'unperf'), 0o777) })
    expect(openParent.files()).toEqual([])
    if (process.getuid?.() === 0) {
      const foreign = planted((h) => { mkdirSync(join(h.xdg, 'unperf', 'code-cache'), { recursive: true }); chownSync(join(h.xdg, 'unperf'), 65534, 65534) })
      expect(foreign.files()).toEqual([])
    }
    // a shared cache home with the sticky bit (/tmp's 1777): unperf's own 0700 dirs in it are used
    const h = host()
    mkdirSync(h.xdg, { recursive: true })
    chmodSync(h.xdg, 0o1777)
    h.run()
    expect(h.startCache()).toBeDefined()
  })

  it('UNPERF_CODE_CACHE=0 writes nothing; an unwritable cache dir is not an error', () => {
    const h = host()
    expect(h.run({ UNPERF_CODE_CACHE: '0' })).toBe('ran function')
    expect(h.files()).toEqual([])
    // a file where the cache dir should be: mkdir fails (ENOTDIR) even for root
    mkdirSync(h.xdg, { recursive: true })
    writeFileSync(join(h.xdg, 'unperf'), 'not a dir')
    expect(h.run()).toBe('ran function')
    expect(readFileSync(join(h.xdg, 'unperf'), 'utf8')).toBe('not a dir')
  })

  it('an uncaught error thrown in unperf\'s code shows a short source line, not the whole minified script', () => {
    const h = host()
    writeFileSync(join(h.xdg, '..', 'throws.mjs'), `
      import { createPerf } from ${JSON.stringify(join(dist, 'index.mjs'))}
      const perf = await createPerf({ overrides: { report: { console: false } } })
      perf.cache.namespace('plugin:other')`)
    const r = spawnSync(process.execPath, ['throws.mjs'], { cwd: join(h.xdg, '..'), env: { ...process.env, XDG_CACHE_HOME: h.xdg }, encoding: 'utf8' })
    expect(r.status).toBe(1)
    expect(r.stderr).toContain("NamespaceAccessError: [unperf] cache namespace 'plugin:other' is reserved")
    // node prints the line the error was thrown on above the message: one short line of the start script
    expect(r.stderr).toMatch(/index\.start-[0-9a-f]{16}\.js:\d+\n/)
    const longest = Math.max(...r.stderr.split('\n').map(line => line.length))
    expect(longest).toBeLessThan(400)
  })

  it('a first run writes every missing cache from one exit listener: one per script compiled put a host over node\'s 10 (MaxListenersExceededWarning)', () => {
    const dir = tempDir('unperf-code-cache-listeners-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'cc-listeners', version: '1.0.0', type: 'module' }))
    mkdirSync(join(dir, 'node_modules'))
    // the cache and a pool: lazy scripts compiled beside the start script, each without its cache yet
    writeFileSync(join(dir, 'main.mjs'), `
      import { createPerf } from ${JSON.stringify(join(dist, 'index.mjs'))}
      const before = process.listenerCount('exit')
      const perf = await createPerf({ overrides: { report: { console: false }, cache: { driver: ['memory', 'fs'] } } })
      await perf.run('hello', async () => { await perf.cache.set('k', 1); await perf.pool('p').run(async () => 1) })
      console.log(process.listenerCount('exit') - before)
      await perf.close()`)
    const env = { ...process.env, XDG_CACHE_HOME: join(dir, 'xdg') }
    const first = spawnSync(process.execPath, ['main.mjs'], { cwd: dir, env, encoding: 'utf8' })
    expect(first.status, first.stderr).toBe(0)
    // the lazy scripts' caches were missing and are written at exit (any of them: which ones the run
    // compiles depends on how the build grouped its chunks, and the first by name was not always one)
    const lazy = hashesOf('lazy')
    expect(readdirSync(join(dir, 'xdg', 'unperf', 'code-cache')).filter(n => lazy.some(h => n.includes(`-${h}-`))).length).toBeGreaterThan(0)
    // the instance's own listener, and (the start script's cache was written by the import) at most one writer
    expect(Number(first.stdout.trim())).toBeLessThanOrEqual(2)
    expect(first.stderr).not.toContain('MaxListenersExceededWarning')
  })
})
