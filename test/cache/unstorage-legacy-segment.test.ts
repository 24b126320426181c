/**
 * Upgrading from a build whose unstorage namespace segment was encodeURIComponent alone: a namespace
 * with uppercase letters or `.` (`UserData`, `deps.v1`) now lives under an escaped segment
 * (`%55ser%44ata`, `deps%2Ev1`), so its earlier entries are misses. `unperf cache clear --all`
 * (and prune) remove them too: before, they stayed on disk for good, never listed nor cleared.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
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
}, 120_000) // four to six unperf CLI child processes: 14 s at load 8

/**
 * `unperf cache list|info|verify` did not see those entries at all (only clear and prune removed
 * them): a namespace that held data on disk showed empty. They now move under the current segment
 * first, so the listing, the counts, the check and get() agree.
 */
it('cache list, info and verify see the entries an earlier build left under the unescaped segment (moved to the current one)', () => {
  const dir = tempDir('unperf-legacy-seg-')
  const store = join(dir, 'store')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'legacy-seg-fixture', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.mjs'), `export default { report: { console: false, dir: '.perf' }, cache: { driver: { driver: 'fs-lite', base: ${JSON.stringify(store)} } } }`)
  const script = (body: string) => [
    `import { createPerf } from ${JSON.stringify(dist)}`,
    `const perf = await createPerf()`,
    `await perf.run('build', async () => { ${body} })`,
    `await perf.close()`,
  ].join('\n')
  writeFileSync(join(dir, 'write.mjs'), script(`await perf.cache.namespace('UserData').set('profile', 'ada'); await perf.cache.namespace('deps.v1').set('lock', 'x'); await perf.cache.namespace('deps.v1').set('both', 'old')`))
  writeFileSync(join(dir, 'read.mjs'), script(`console.log(JSON.stringify([await perf.cache.namespace('UserData').get('profile'), await perf.cache.namespace('deps.v1').get('lock'), await perf.cache.namespace('deps.v1').get('both')]))`))
  const env = { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') }
  expect(spawnSync(process.execPath, ['write.mjs'], { cwd: dir, encoding: 'utf8', env }).status).toBe(0)
  // the layout the earlier build wrote: moved to encodeURIComponent(namespace); 'both' also under the
  // current segment, written since with a newer value
  for (const f of files(store)) {
    const legacy = f.replace('%55ser%44ata/', 'UserData/').replace('deps%2Ev1/', 'deps.v1/')
    if (legacy !== f) cpSync(join(store, f), join(store, legacy))
    if (legacy !== f && !f.endsWith('/both.e')) rmSync(join(store, f))
  }
  writeFileSync(join(dir, 'newer.mjs'), script(`await perf.cache.namespace('deps.v1').set('both', 'new')`))
  expect(spawnSync(process.execPath, ['newer.mjs'], { cwd: dir, encoding: 'utf8', env }).status).toBe(0)
  for (const f of files(store)) if (f.includes('/%55ser%44ata/') || f.includes('deps%2Ev1/lock')) throw new Error(`${f}: the test's layout is not the earlier build's`)

  const list = unperf(dir, 'cache', 'list', '--json')
  expect(list.code, list.stderr).toBe(0)
  const listed = (list.json() as { namespace: string; key: string }[]).map(e => `${e.namespace} ${e.key}`).sort()
  expect(listed).toEqual(['UserData profile', 'deps.v1 both', 'deps.v1 lock'])
  const info = unperf(dir, 'cache', 'info', '--json')
  expect(info.json().namespaces).toEqual(expect.arrayContaining([expect.objectContaining({ namespace: 'UserData', entries: 1 }), expect.objectContaining({ namespace: 'deps.v1', entries: 2 })]))
  const verify = unperf(dir, 'cache', 'verify', '--json')
  expect(verify.code, verify.stderr).toBe(0)
  expect(verify.json()).toMatchObject({ checked: 3, corrupt: 0 })
  // what they show is what get() reads; the newer value kept; nothing left under the old segments
  const read = spawnSync(process.execPath, ['read.mjs'], { cwd: dir, encoding: 'utf8', env })
  expect(JSON.parse(read.stdout)).toEqual(['ada', 'x', 'new'])
  expect(files(store).filter(f => f.includes('/UserData/') || f.includes('/deps.v1/'))).toEqual([])
}, 120_000) // four to six unperf CLI child processes: 14 s at load 8
