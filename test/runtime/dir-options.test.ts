/**
 * createPerf({ rootDir }) with rootDir a file failed with a raw ENOTDIR; a rootDir or cwd that does
 * not exist ran on the defaults without a word (c12 found no config there), so a typo'd path was a
 * silent no-config run. Each is now a ConfigError naming the function, the option and the path, as
 * an explicit configFile that is not there already was; the adapters' rootDir and cwd the same.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/errors.js'
import { loadPerfConfig } from '../../src/config/load.js'
import { createPerf } from '../../src/runtime/perf.js'
import type { CreatePerfOptions } from '../../src/runtime/types.js'
import { tempDir } from '../helpers/tmp.js'
import { ADAPTER_HOSTS, built, host } from '../adapters/_host.js'

const quiet = { cache: { enabled: false }, report: { console: false as const, dir: './.perf' } }

async function refused(options: CreatePerfOptions): Promise<ConfigError> {
  const error = await createPerf({ noExitHandlers: true, overrides: quiet, ...options }).then(async (perf) => { await perf.close(); throw new Error('expected a ConfigError') }, (e: unknown) => e)
  expect(error).toBeInstanceOf(ConfigError)
  return error as ConfigError
}

function project(): string {
  const dir = tempDir()
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'dirs', version: '1.0.0' }))
  writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ cache: { ttl: '2h' } }))
  return dir
}

describe('createPerf: a rootDir or cwd that is not a directory', () => {
  it('rootDir missing or a file: a ConfigError (E_CONFIG) naming the option and the path, not a run on the defaults', async () => {
    const dir = project()
    const missing = join(dir, 'no-such-dir')
    const error = await refused({ rootDir: missing, cwd: dir })
    expect(error.code).toBe('E_CONFIG')
    expect(error.issues[0]).toMatchObject({ file: 'createPerf(options)', path: 'rootDir', expected: 'an existing directory', found: missing })
    expect(error.message).toContain(`createPerf({ rootDir }): '${missing}' does not exist: expected a directory (where perf.config is looked for)`)
    const file = join(dir, 'package.json')
    expect((await refused({ rootDir: file, cwd: dir })).message).toContain(`createPerf({ rootDir }): '${file}' is a file: expected a directory`)
    // a path through a file (ENOTDIR)
    expect((await refused({ rootDir: join(file, 'x'), cwd: dir })).message).toContain(`createPerf({ rootDir }): '${join(file, 'x')}' cannot be read as a directory (ENOTDIR)`)
  })

  it('cwd missing or a file (alone: it is also rootDir; beside an existing rootDir: checked on the warm path too)', async () => {
    const dir = project()
    const missing = join(dir, 'typo')
    expect((await refused({ cwd: missing })).issues[0]).toMatchObject({ path: 'cwd', found: missing })
    expect((await refused({ cwd: join(dir, 'package.json') })).message).toContain(`createPerf({ cwd }): '${join(dir, 'package.json')}' is a file: expected a directory (the project the command works on`)
    // the config's snapshot for rootDir is warm after this run: the cwd is still checked
    const perf = await createPerf({ rootDir: dir, cwd: dir, noExitHandlers: true, overrides: quiet })
    expect(perf.config.cache.ttl).toBe(2 * 3_600_000)
    await perf.close()
    expect((await refused({ rootDir: dir, cwd: missing })).message).toContain(`createPerf({ cwd }): '${missing}' does not exist`)
  })

  it('a rootDir removed after a run with no config (its snapshot in the platform cache dir): still refused', async () => {
    const root = tempDir()
    const gone = join(root, 'host')
    mkdirSync(gone)
    const xdg = process.env.XDG_CACHE_HOME
    process.env.XDG_CACHE_HOME = join(root, 'xdg')
    try {
      const perf = await createPerf({ rootDir: gone, cwd: root, noExitHandlers: true, overrides: quiet })
      await perf.close()
      rmSync(gone, { recursive: true })
      expect((await refused({ rootDir: gone, cwd: root })).issues[0]).toMatchObject({ path: 'rootDir', found: gone })
    } finally {
      if (xdg === undefined) delete process.env.XDG_CACHE_HOME
      else process.env.XDG_CACHE_HOME = xdg
    }
  })

  it('loadPerfConfig names itself', async () => {
    const missing = join(tempDir(), 'nope')
    await expect(loadPerfConfig({ rootDir: missing })).rejects.toThrow(`loadPerfConfig({ rootDir }): '${missing}' does not exist`)
  })
})

describe.skipIf(!built)('the adapters: a rootDir or cwd that is not a directory', () => {
  for (const [label, fixture, env] of ADAPTER_HOSTS) {
    it(`${label}: exit 2, the error naming the adapter's function, the option and the path`, () => {
      const h = host(fixture)
      const fn = fixture.startsWith('citty') ? 'withPerf' : 'instrument'
      const missing = join(h.dir, 'nope')
      const r = h.run(['ok'], { ...env, ADAPTER_OPTIONS: JSON.stringify({ rootDir: missing }) })
      expect(r.stdout).not.toContain('ok-ran')
      expect(r.stderr).toContain(`${fn}({ rootDir }): '${missing}' does not exist: expected a directory`)
      expect(r.code).toBe(2)
      const c = h.run(['ok'], { ...env, ADAPTER_OPTIONS: JSON.stringify({ cwd: join(h.dir, 'package.json') }) })
      expect(c.stderr).toContain(`${fn}({ cwd }): '${join(h.dir, 'package.json')}' is a file`)
      expect(c.code).toBe(2)
    })
  }
})
