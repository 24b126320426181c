/**
 * Cold fan-out: perf.config.ts edited, then many processes of the CLI started at once (a test suite
 * spawning it). Each of them loaded the config through c12 and built the snapshot (10 loads for 10
 * processes); one builds it now and the others wait for it and load the snapshot it wrote (one
 * `c12` load), each with the edited config. A builder killed while it held the lock is taken over at
 * once; a live one that never finishes holds the others up to the wait's bound only (they load the
 * config themselves). The built runtime in real child processes, a real lock file.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

function host() {
  const dir = tempDir('unperf-snapshot-fanout-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fanout', version: '1.0.0', type: 'module' }))
  mkdirSync(join(dir, 'node_modules'))
  const edit = (name: string, ttl: string) => {
    writeFileSync(join(dir, 'helper.ts'), `export const ttl: string = '${ttl}'\n`)
    writeFileSync(join(dir, 'perf.config.ts'), `import { ttl } from './helper'\nexport default { name: '${name}', cache: { driver: 'memory', ttl }, report: { console: false } }\n`)
  }
  writeFileSync(join(dir, 'main.mjs'), `
    import { loadPerfConfigLayers } from ${JSON.stringify(dist)}
    const r = await loadPerfConfigLayers({ rootDir: process.cwd() })
    console.log(r.loader, r.config.name, r.config.cache.ttl)`)
  const env = (waitMs: number) => ({ ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(dir, '.xdg'), UNPERF_SNAPSHOT_WAIT_MS: String(waitMs) })
  /** `n` processes started at once: each one's stdout line ('c12 v2 3600000'), or its failure. */
  const fan = (n: number, waitMs: number) => Promise.all(Array.from({ length: n }, () => new Promise<string>(resolve => {
    const child = spawn(process.execPath, ['main.mjs'], { cwd: dir, env: env(waitMs), stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => { out += d })
    child.stderr.on('data', (d: Buffer) => { out += d })
    const kill = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('close', (code, signal) => { clearTimeout(kill); resolve(code === 0 ? out.trim() : `exit ${code ?? signal}: ${out}`) })
  })))
  const snapshots = join(dir, 'node_modules/.cache/unperf/config')
  const lock = () => join(snapshots, readdirSync(snapshots).find(n => /^manifest-.*\.json$/.test(n))!.replace(/\.json$/, '.lock'))
  return { dir, edit, fan, lock }
}

const count = (lines: string[], line: string) => lines.filter(l => l === line).length

/** What lock-file.ts writes into a lock: `<boot id> <pid namespace> <pid>`. */
function holder(pid: number): string {
  return `${readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim()} ${readlinkSync('/proc/self/ns/pid')} ${pid}`
}

describe.skipIf(process.platform !== 'linux')('processes started at once after a config edit build its snapshot once', () => {
  it('one c12 load and build, every process with the edited config', async () => {
    const h = host()
    h.edit('v1', '1d')
    expect(await h.fan(1, 60_000)).toEqual(['c12 v1 86400000'])
    h.edit('v2', '1h')
    const lines = await h.fan(10, 60_000)
    expect(lines.filter(l => !/^(c12|snapshot) v2 3600000$/.test(l)), lines.join('\n')).toEqual([])
    expect(count(lines, 'c12 v2 3600000'), lines.join('\n')).toBe(1)
    expect(await h.fan(1, 60_000)).toEqual(['snapshot v2 3600000'])
  })

  it('a builder killed while it held the lock (its pid gone) is taken over at once', async () => {
    const h = host()
    h.edit('v1', '1d')
    await h.fan(1, 60_000)
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout
    writeFileSync(h.lock(), holder(Number(dead)))
    h.edit('v2', '1h')
    // a 60 s bound: a holder not seen gone would keep them past the test's time
    const lines = await h.fan(6, 60_000)
    expect(lines.filter(l => !/^(c12|snapshot) v2 3600000$/.test(l)), lines.join('\n')).toEqual([])
    expect(count(lines, 'c12 v2 3600000'), lines.join('\n')).toBe(1)
  })

  it('a live holder that never finishes holds them up to the bound only: each loads the config itself', async () => {
    const h = host()
    h.edit('v1', '1d')
    await h.fan(1, 60_000)
    const stuck = spawn('sleep', ['120'], { stdio: 'ignore' })
    try {
      writeFileSync(h.lock(), holder(stuck.pid!))
      const before = statSync(h.lock())
      h.edit('v2', '1h')
      const lines = await h.fan(4, 300)
      expect(lines.filter(l => !/^(c12|snapshot) v2 3600000$/.test(l)), lines.join('\n')).toEqual([])
      expect(lines.some(l => l.startsWith('c12 ')), lines.join('\n')).toBe(true)
      // a live holder's lock is never removed
      expect(statSync(h.lock()).ino).toBe(before.ino)
    } finally {
      stuck.kill('SIGKILL')
    }
  })
})
