/**
 * getPerf() once the run is over (an update check or a library call after the command, after
 * perf.close() or an adapter's run) said "no perf instance yet: call createPerf() first", which sent
 * the CLI's author looking for a createPerf() that was there. It now says the last one was closed,
 * and what to use instead; before any instance it still says to create one. Both are a PerfError
 * with code E_NO_PERF (a plain Error without a code before). A real process against the built package.
 */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BASE, projectWith } from '../helpers/project.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

describe('getPerf() with no instance', () => {
  it('before any: create one; after the last one closed: it was closed, use tryGetPerf()', () => {
    const dir = projectWith(`export default { ${BASE} }`)
    writeFileSync(join(dir, 'main.mjs'), `
      import { createPerf, getPerf, tryGetPerf } from ${JSON.stringify(dist)}
      const say = () => { try { getPerf(); console.log('none thrown') } catch (e) { console.log(e.name, e.code, e.message) } }
      say()
      const perf = await createPerf()
      await perf.run('build', () => 1)
      await perf.close()
      say()
      console.log('try', tryGetPerf())`)
    const r = spawnSync(process.execPath, ['main.mjs'], { cwd: dir, encoding: 'utf8', timeout: 30_000 })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout.split('\n')).toEqual([
      'PerfError E_NO_PERF [unperf] getPerf(): no perf instance yet: call createPerf() (or use an adapter) first',
      "PerfError E_NO_PERF [unperf] getPerf(): no open perf instance: the last one was closed (perf.close(), or the end of an adapter's run); code that may run outside a run uses tryGetPerf()",
      'try undefined',
      '',
    ])
  })
})
