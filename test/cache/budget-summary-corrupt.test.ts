/**
 * The scope's `.budget` summary (the sizes of its namespace dirs at the last full read, which spares
 * the next processes a readdir of every dir) written wrong: `bytes: null` made the cache-wide size
 * check throw (a TypeError reported as `E_EVICT` and a warning that the fs tier had failed); sizes
 * that are negative, or a summary dated a year ahead (trusted for that year, each close keeping its
 * date), hid another namespace's bytes, and the cache stayed over `maxSize` + 10 %. Each is not
 * trusted now: the dirs are read. Real fs, the built runtime in child processes.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')
const MAX = 100_000

function project() {
  const dir = tempDir('unperf-budget-summary-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'budget-summary', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ cache: { driver: 'fs', maxSize: MAX, compress: false }, report: { console: false, dir: '.perf' } }))
  // n entries of 15 kB into a namespace; prints the cache:error codes
  writeFileSync(join(dir, 'write.mjs'), `
    import { createPerf } from ${JSON.stringify(dist)}
    const [namespace, n] = process.argv.slice(2)
    const perf = await createPerf()
    const errors = []
    perf.hooks.hook('cache:error', e => errors.push(e.code))
    const cache = namespace === 'default' ? perf.cache : perf.cache.namespace(namespace)
    for (let i = 0; i < Number(n); i++) await cache.set(namespace + i, Buffer.alloc(15_000, i))
    await perf.close()
    console.log(JSON.stringify(errors))`)
  const xdg = join(dir, '.xdg')
  const write = (namespace: string, n: number) => {
    const r = spawnSync(process.execPath, ['write.mjs', namespace, String(n)], { cwd: dir, encoding: 'utf8', timeout: 30_000, env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: xdg } })
    return { code: r.status, errors: JSON.parse(r.stdout.trim() || 'null') as string[] | null, stderr: r.stderr }
  }
  const scope = () => {
    const root = join(xdg, 'budget-summary')
    return join(root, readdirSync(root).find(n => n.startsWith('s_'))!)
  }
  /** The bytes of every entry file of the scope, all namespaces. */
  const onDisk = () => readdirSync(scope(), { withFileTypes: true }).filter(e => e.isDirectory())
    .flatMap(d => readdirSync(join(scope(), d.name)).filter(n => n.endsWith('.e')).map(n => statSync(join(scope(), d.name, n)).size))
    .reduce((a, b) => a + b, 0)
  return { write, scope, onDisk }
}

describe('a .budget summary written wrong is not trusted: the dirs are read', () => {
  const cases: [string, (ns: string) => unknown][] = [
    ['bytes: null', () => ({ at: Date.now(), bytes: null })],
    ['negative sizes', ns => ({ at: Date.now(), bytes: { [ns]: -1e12 } })],
    ['a size that is not a number', ns => ({ at: Date.now(), bytes: { [ns]: '0' } })],
    ['dated a year ahead, the other namespace said empty', ns => ({ at: Date.now() + 365 * 86_400_000, bytes: { [ns]: 0 } })],
  ]
  for (const [name, summary] of cases) it(`${name}: no error, and the cache is brought within maxSize + 10 %`, () => {
    const p = project()
    expect(p.write('templates', 5)).toMatchObject({ code: 0, errors: [] }) // 75 kB
    const templatesDir = readdirSync(p.scope()).find(n => n.startsWith('n-') && n !== 'n-default')!
    writeFileSync(join(p.scope(), '.budget'), JSON.stringify(summary(templatesDir)))
    const r = p.write('default', 5) // 75 kB more: 150 kB for a cap of 100 kB
    expect(r, r.stderr).toMatchObject({ code: 0, errors: [] })
    expect(r.stderr).not.toContain('failed')
    expect(p.onDisk()).toBeLessThanOrEqual(MAX * 1.1)
  })
})
