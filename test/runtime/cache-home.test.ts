/**
 * Where the platform cache dir is when the environment does not say it plainly, seen from a host CLI
 * run as a child process:
 * - no HOME and a uid with no passwd entry (a container run with `--user 12345`, OpenShift's random
 *   uids): os.homedir() throws there, and createPerf() threw it (`uv_os_homedir returned ENOENT`), so
 *   the host's command never ran. Now the cache and reports go to `<tmpdir>/<name>-cache-<uid>`.
 * - a relative XDG_CACHE_HOME, which the XDG spec calls invalid ("it should consider the path
 *   invalid and ignore it"): it was taken relative to the cwd, so the cache, the reports and the code
 *   cache were written into whatever project the CLI ran in. Now it is ignored (~/.cache).
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')
const root = typeof process.getuid === 'function' && process.getuid() === 0
// a uid no passwd entry names (os.homedir() throws for it when HOME is unset)
const UID = 48213
const homeless = root && !readFileSync('/etc/passwd', 'utf8').split('\n').some(l => l.split(':')[2] === String(UID))
  && spawnSync('setpriv', [`--reuid=${UID}`, `--regid=${UID}`, '--clear-groups', 'true']).status === 0
if (!homeless) console.warn('\n[unperf tests] cannot run a child as a uid without a passwd entry (needs root and setpriv): the no-home case is SKIPPED\n')

/** A host CLI `home-cli` whose command caches a value (fs tier) and prints it, then closes perf. */
function project(): string {
  const dir = tempDir('unperf-home-cli-')
  chmodSync(dir, 0o755) // readable by the unprivileged child
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'home-cli', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'app.mjs'), `
    import { createPerf } from ${JSON.stringify(dist)}
    const perf = await createPerf()
    const value = await perf.run('build', () => perf.cache.wrap('k', async () => 42))
    console.log('result', value)
    const report = await perf.close()
    console.log('report', report.files.report)`)
  return dir
}

/** The environment of the child: no HOME, no XDG_CACHE_HOME unless given. */
function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { HOME: _home, XDG_CACHE_HOME: _xdg, ...rest } = process.env
  return { ...rest, NO_COLOR: '1', PERF_ENV: 'production', NODE_ENV: '', ...extra }
}

describe('the platform cache dir', () => {
  it.skipIf(!homeless)('no HOME and a uid without a passwd entry: the command runs, cache and report go to <tmpdir>/<name>-cache-<uid>', () => {
    const dir = project()
    const tmp = tempDir('unperf-home-tmp-')
    chmodSync(tmp, 0o1777)
    const args = [`--reuid=${UID}`, `--regid=${UID}`, '--clear-groups', process.execPath, 'app.mjs']
    for (const round of ['cold', 'warm']) {
      const r = spawnSync('setpriv', args, { cwd: dir, encoding: 'utf8', env: env({ TMPDIR: tmp }), timeout: 60_000 })
      expect(r.stderr, round).not.toContain('uv_os_homedir')
      expect(r.status, r.stderr).toBe(0)
      expect(r.stdout).toContain('result 42\n')
      expect(r.stdout).toContain(`report ${join(tmp, `home-cli-cache-${UID}`, 'reports')}/`)
      expect(r.stderr.split('\n').filter(l => l.startsWith('[unperf]')), round).toEqual([])
    }
    // the fs tier's entry is there, and the dir is the uid's own, private
    const base = join(tmp, `home-cli-cache-${UID}`)
    expect(readdirSync(base)).toEqual(expect.arrayContaining(['reports']))
    expect(spawnSync('stat', ['-c', '%u %a', base], { encoding: 'utf8' }).stdout.trim()).toBe(`${UID} 700`)
  })

  it('a relative XDG_CACHE_HOME is ignored (the XDG spec calls it invalid): nothing is written into the project the CLI runs in', () => {
    const dir = project()
    const home = tempDir('unperf-home-')
    mkdirSync(join(dir, 'sub'))
    const r = spawnSync(process.execPath, ['../app.mjs'], { cwd: join(dir, 'sub'), encoding: 'utf8', env: env({ HOME: home, XDG_CACHE_HOME: 'rel-cache' }), timeout: 60_000 })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain('result 42\n')
    expect(existsSync(join(dir, 'sub', 'rel-cache')), 'a cache dir made in the cwd').toBe(false)
    expect(r.stdout).toContain(`report ${join(home, '.cache', 'home-cli', 'reports')}/`)
    // the start script's V8 code cache follows the same rule
    expect(existsSync(join(home, '.cache', 'unperf', 'code-cache'))).toBe(true)
  })
})
