/** The CLI's counts agree with their nouns: a project's first run reads `1 run recorded`, not `1 runs`. */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

it('report, cache stats and cache verify after one run with one entry say 1 run, 1 lookup, 1 entry', () => {
  const dir = tempDir('unperf-counts-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'counts-fixture', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.mjs'), `export default { report: { console: false, dir: '.perf' } }`)
  writeFileSync(join(dir, 'run.mjs'), [
    `import { createPerf } from ${JSON.stringify(dist)}`,
    `const perf = await createPerf()`,
    `await perf.run('build', () => perf.cache.wrap('k', async () => 'v'))`,
    `await perf.close()`,
  ].join('\n'))
  const r = spawnSync(process.execPath, ['run.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
  expect(r.status, r.stderr).toBe(0)
  expect(unperf(dir, 'report').stdout).toContain('1 run recorded in')
  expect(unperf(dir, 'cache', 'stats').stdout).toContain('1 run with cache lookups, 1 lookup,')
  expect(unperf(dir, 'cache', 'verify').stdout).toContain('1 entry checked, none corrupt')
})
