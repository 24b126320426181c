/**
 * `unperf budget`'s row of a regression says what it was judged against. It said `✖ over by 1.07 s`
 * beside a limit of 464 ms, which a CI log reader could not tell from a budget: the threshold came
 * from the history, and the median and the runs it is over were in `--json` only.
 * Real child processes in a temp project.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { projectWith } from '../helpers/project.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

it('the regression row names the median and the runs it was judged against', () => {
  const dir = projectWith(`export default { cache: { driver: 'memory' }, report: { console: false } }`, { 'app.mjs': `
    import { createPerf } from ${JSON.stringify(dist)}
    const perf = await createPerf()
    await perf.run('build', () => new Promise(r => setTimeout(r, Number(process.argv[2]))))
    await perf.close()` }, 'regression-row')
  mkdirSync(join(dir, 'node_modules'))
  const env = { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') }
  for (const ms of ['20', '20', '20', '20', '20', '1500']) expect(spawnSync(process.execPath, ['app.mjs', ms], { cwd: dir, env }).status).toBe(0)
  const text = unperf(dir, 'budget')
  expect(text.code).toBe(1)
  expect(text.stdout).toMatch(/^regression\.build +1\.5\d s +\d+(\.\d+)? ms +✖ over by 1\.\d+ s: \d+ % slower than its median of \d+(\.\d+)? ms over 5 runs$/m)
})
