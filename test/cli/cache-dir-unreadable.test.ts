/**
 * A cache dir this user may write to but not read (mode 300, -wx: entries are written and read by
 * name, never listed) is said as such, with the chmod that fixes it (s31 audit: `cache list`, `info`
 * and `clear` got the generic `the fs tier (…) failed (EACCES: permission denied, scandir …)`, `info`
 * a second one without a tier, `the cache failed (… access …)`; doctor passed the dir: `✔ mode 300`).
 * The real CLI and runtime; as root (CI) they run as nobody, whom root's bypass of modes does not cover.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, chownSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { bin } from '../helpers/unperf-cli.js'

const root = process.getuid?.() === 0
const NOBODY = 65_534

function setup() {
  const dir = tempDir('unperf-cache-wx-')
  const cache = join(dir, 'cache')
  mkdirSync(join(dir, 'node_modules'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'cache-wx', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { driver: 'fs', dir: ${JSON.stringify(cache)} }, report: { console: false } }`)
  if (root) {
    chmodSync(dir, 0o755)
    for (const d of [dir, join(dir, 'node_modules')]) chownSync(d, NOBODY, NOBODY)
  }
  const as = root ? { uid: NOBODY, gid: NOBODY } : {}
  const env = { ...process.env, NO_COLOR: '1', HOME: dir, XDG_CACHE_HOME: join(dir, '.xdg') }
  const node = (...args: string[]) => {
    const r = spawnSync(process.execPath, args, { cwd: dir, ...as, env, encoding: 'utf8', timeout: 60_000 })
    return { code: r.status, stdout: r.stdout, stderr: r.stderr }
  }
  // an entry written by a real run, in the namespace dir unperf makes
  const run = node('--input-type=module', '-e', `const { createPerf } = await import(${JSON.stringify(join(import.meta.dirname, '../../dist/index.mjs'))}); const perf = await createPerf({ cwd: process.cwd(), rootDir: process.cwd() }); await perf.cache.set('a', 1); await perf.close()`)
  expect(run.code, run.stderr).toBe(0)
  const scope = readdirSync(cache).find(n => n.startsWith('s_'))!
  return { cache, namespace: join(cache, scope, 'n-default'), unperf: (...args: string[]) => node(bin, ...args) }
}

describe('a cache dir this user may write to but not read (-wx)', { timeout: 120_000 }, () => {
  it('cache list, info and clear say it cannot be listed and how to fix it (exit 1: incomplete)', () => {
    const { namespace, unperf } = setup()
    chmodSync(namespace, 0o300)
    for (const args of [['list'], ['info'], ['clear', '--all', '--yes']]) {
      const r = unperf('cache', ...args)
      expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(1)
      expect(r.stderr, args.join(' ')).toContain(`the fs cache tier cannot be read: cannot read ${namespace}: permission denied: ${namespace} is not readable by this user`)
      expect(r.stderr, args.join(' ')).toContain(`its mode 300: entries can be written there but not listed, so keys, prune and eviction fail; chmod 700 ${namespace}`)
      expect(r.stderr, args.join(' ')).not.toMatch(/failed \(EACCES/)
    }
    chmodSync(namespace, 0o700)
    expect(unperf('cache', 'list').stdout).toMatch(/^default +a /m)
  })

  it('doctor fails the check of a cache dir of mode 300, naming what it lacks and the chmod', () => {
    const { cache, unperf } = setup()
    chmodSync(cache, 0o300)
    const r = unperf('doctor')
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(`✖ cache dir  ${cache} mode 300 (should be 700: without r the cache cannot list its entries (keys, prune, eviction); chmod 700 ${cache})`)
    chmodSync(cache, 0o700)
    expect(unperf('doctor').stdout).toContain(`✔ cache dir  ${cache} mode 700`)
  })
})
