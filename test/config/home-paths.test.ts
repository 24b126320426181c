/**
 * A path key written with a leading '~' (`cache.dir: '~/.cache/acme'`, as in a shell or most
 * tools' configs) is the home dir's: it made a dir named '~' in the project (relative to cwd).
 */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createPerf } from '../../src/index.js'
import { projectWith } from '../helpers/project.js'
import { tempDir } from '../helpers/tmp.js'

describe("a leading '~' in a path key", () => {
  const saved = process.env.HOME
  let home: string
  beforeEach(() => {
    home = tempDir('unperf-home-')
    process.env.HOME = home
  })
  afterEach(() => {
    process.env.HOME = saved
  })

  it('cache.dir, report.dir, an fs tier base and prometheus.file resolve under the home dir, not in cwd', async () => {
    const dir = projectWith(`export default {
      cache: { dir: '~/.cache/acme', namespaces: { t: { driver: { driver: 'fs', base: '~/t' } } } },
      report: { console: false, dir: '~/reports' },
      monitors: { prometheus: { file: '~/metrics.prom' } },
    }`)
    const perf = await createPerf({ rootDir: dir, cwd: dir })
    expect(perf.config.cache.dir).toBe(join(home, '.cache', 'acme'))
    expect(perf.config.report.dir).toBe(join(home, 'reports'))
    expect(perf.config.cache.namespaces.t!.tiers).toEqual([{ driver: 'fs', base: join(home, 't') }])
    expect(perf.config.monitors.prometheus).toEqual({ file: join(home, 'metrics.prom') })
    await perf.cache.set('k', 1)
    await perf.cache.namespace('t').set('k', 2)
    await perf.run('build', async () => {})
    await perf.close()
    expect(readdirSync(join(home, '.cache', 'acme')).some(name => name.startsWith('s_'))).toBe(true)
    expect(readdirSync(join(home, 't')).some(name => name.startsWith('s_'))).toBe(true)
    expect(existsSync(join(home, 'reports', 'report.json'))).toBe(true)
    expect(existsSync(join(dir, '~'))).toBe(false)
  })

  it("a '~' elsewhere in the path is a name as any other", async () => {
    const dir = projectWith(`export default { cache: { dir: 'a~/~b' }, report: { console: false, dir: '~reports' } }`)
    const perf = await createPerf({ rootDir: dir, cwd: dir })
    expect(perf.config.cache.dir).toBe(join(dir, 'a~', '~b'))
    expect(perf.config.report.dir).toBe(join(dir, '~reports'))
    await perf.close()
  })
})
