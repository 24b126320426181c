/**
 * Upgrading from a build whose unstorage namespace segment was encodeURIComponent alone: a namespace
 * with uppercase letters or `.` (`UserData`, `deps.v1`) now lives under an escaped segment
 * (`%55ser%44ata`, `deps%2Ev1`), so its earlier entries are misses. `unperf cache clear --all`
 * (and prune) remove them too: before, they stayed on disk for good, never listed nor cleared.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter(e => e.isFile()).map(e => join(e.parentPath, e.name).slice(dir.length + 1)).sort()
}

it('cache clear --all removes the entries an earlier build left under the unescaped segment', () => {
  const dir = tempDir('unperf-legacy-seg-')
  const store = join(dir, 'store')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'legacy-seg-fixture', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.mjs'), `export default { report: { console: false, dir: '.perf' }, cache: { driver: { driver: 'fs-lite', base: ${JSON.stringify(store)} } } }`)
  writeFileSync(join(dir, 'run.mjs'), [
    `import { createPerf } from ${JSON.stringify(dist)}`,
    `const perf = await createPerf()`,
    `await perf.run('build', async () => { await perf.cache.namespace('UserData').set('profile', 'ada'); await perf.cache.namespace('deps.v1').set('lock', 'x') })`,
    `await perf.close()`,
  ].join('\n'))
  const r = spawnSync(process.execPath, ['run.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
  expect(r.status, r.stderr).toBe(0)
  // the layout the earlier build wrote: the same envelopes under encodeURIComponent(namespace)
  const written = files(store)
  expect(written.some(f => f.includes('%55ser%44ata/'))).toBe(true)
  for (const f of written) {
    const legacy = f.replace('%55ser%44ata/', 'UserData/').replace('deps%2Ev1/', 'deps.v1/')
    cpSync(join(store, f), join(store, legacy))
  }
  expect(files(store).filter(f => f.includes('/UserData/') || f.includes('/deps.v1/'))).toHaveLength(2)

  const cleared = unperf(dir, 'cache', 'clear', '--all', '--yes')
  expect(cleared.code, cleared.stderr).toBe(0)
  expect(files(store)).toEqual([])
})
