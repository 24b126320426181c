/**
 * Commands that look at the cache leave the disk as they found it: `cache info/list/get/prune/verify`
 * on a cache no run had written made its scope dir, `.last-used` and `.last-scope-prune`, and
 * `doctor` the empty cache dir. On a cache that exists, they mark nothing (`.last-used` is a run's:
 * it keeps a scope from being pruned), while prune and verify still change what there is to change.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectWith } from '../helpers/project.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')
const CONFIG = `export default { cache: { driver: 'fs' }, report: { console: false } }`
const COMMANDS = [['cache', 'info'], ['cache', 'list'], ['cache', 'get', 'k'], ['cache', 'prune'], ['cache', 'verify'], ['cache', 'clear', '--all', '--yes'], ['cache', 'stats'], ['doctor']]

/** Every file and dir under `dir` with its mtime (ms). */
function tree(dir: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    const st = statSync(path)
    out[path] = st.mtimeMs
    if (st.isDirectory()) Object.assign(out, tree(path))
  }
  return out
}

describe('read-only commands on the disk', () => {
  it('a cache never written: no cache dir after any of them', () => {
    const dir = projectWith(CONFIG, {}, 'untouched-cli')
    const cacheDir = join(dir, '.xdg', 'untouched-cli')
    for (const args of COMMANDS) {
      const r = unperf(dir, ...args)
      expect(r.code === 0 || (args[1] === 'get' && r.code === 1), `${args.join(' ')}: ${r.stderr}`).toBe(true)
      expect(existsSync(cacheDir), args.join(' ')).toBe(false)
    }
    // doctor still checks the dir could be made, and says it is fine
    const doctor = unperf(dir, 'doctor', '--json').json() as { checks: { check: string; ok: boolean; detail: string }[] }
    expect(doctor.checks.find(c => c.check === 'cache dir')).toMatchObject({ ok: true, detail: `${cacheDir} mode 700` })
    expect(existsSync(cacheDir)).toBe(false)
  })

  it('a cache a run wrote: info, list, get, verify, stats and doctor change nothing in it (no access time, no .last-used), prune its size summary alone', () => {
    const dir = projectWith(CONFIG, {
      'app.mjs': `import { createPerf } from ${JSON.stringify(dist)}
        const perf = await createPerf()
        await perf.cache.set('k', 'v')
        await perf.close()`,
    }, 'written-cli')
    const r = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(r.status, r.stderr).toBe(0)
    const cacheDir = join(dir, '.xdg', 'written-cli')
    let before = tree(cacheDir)
    expect(Object.keys(before).some(p => p.endsWith('.last-used'))).toBe(true)
    for (const args of COMMANDS.filter(a => a[1] !== 'clear')) {
      const c = unperf(dir, ...args)
      expect(c.code, `${args.join(' ')}: ${c.stderr}`).toBe(0)
      // prune does a full read of the sizes, which it keeps as the scope's `.budget` summary (a change it has to make)
      const kept = (t: Record<string, number>) => args[1] === 'prune' ? Object.fromEntries(Object.entries(t).filter(([p]) => !/[\\/]s_[^\\/]+(?:[\\/]\.budget)?$/.test(p))) : t
      expect(kept(tree(cacheDir)), args.join(' ')).toEqual(kept(before))
      before = tree(cacheDir)
    }
    expect(unperf(dir, 'cache', 'get', 'k').stdout.trim()).toBe('v')
  })
})
