/**
 * A FIFO under the name of a config snapshot file (its manifest, its classic-script module, its ES
 * module) in <rootDir>/node_modules/.cache/unperf: the warm start's blocking read of it (readFileSync,
 * import()) hung every start of the host CLI for good, before a line of the host ran. The snapshot is
 * stale now: the config loads the slow way, and the snapshot is rebuilt. Real FIFOs (mkfifo), the
 * built runtime in child processes, each bounded by a 30 s kill that only a hang reaches.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

/** A host whose config becomes a classic script (`.cjs`, imports nothing) or an ES module (`.mjs`, imports node:path). */
function host(kind: 'cjs' | 'mjs') {
  const dir = tempDir(`unperf-snapshot-fifo-${kind}-`)
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'snapshot-fifo', version: '1.0.0', type: 'module' }))
  mkdirSync(join(dir, 'node_modules'))
  writeFileSync(join(dir, 'perf.config.mjs'), kind === 'mjs'
    ? `import { basename } from 'node:path'\nexport default { name: basename('/x/fifo-host'), cache: { driver: 'memory' }, report: { console: false, dir: '.perf' } }\n`
    : `export default { name: 'fifo-host', cache: { driver: 'memory' }, report: { console: false, dir: '.perf' } }\n`)
  writeFileSync(join(dir, 'main.mjs'), `
    import { createPerf } from ${JSON.stringify(dist)}
    const perf = await createPerf()
    console.log(perf.config.name)
    await perf.close()`)
  const snapshots = join(dir, 'node_modules/.cache/unperf/config')
  const run = () => {
    const r = spawnSync(process.execPath, ['main.mjs'], { cwd: dir, encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL', env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(dir, '.xdg') } })
    return [r.signal, r.status, r.stdout.trim(), r.stderr]
  }
  const file = (pattern: RegExp) => join(snapshots, readdirSync(snapshots).find(n => pattern.test(n))!)
  return { run, file }
}

function fifo(path: string): void {
  rmSync(path)
  execFileSync('mkfifo', ['-m', '600', path])
}

describe.skipIf(process.platform === 'win32')('a FIFO under a config snapshot file\'s name: stale, rebuilt, never waited on', () => {
  it.each([
    ['the manifest', 'cjs', /^manifest-.*\.json$/],
    ['a classic-script module', 'cjs', /^main-[0-9a-f]+\.cjs$/],
    ['an ES module', 'mjs', /^main-[0-9a-f]+\.mjs$/],
  ] as const)('%s (%s config)', (_, kind, pattern) => {
    const h = host(kind)
    expect(h.run()).toEqual([null, 0, 'fifo-host', ''])
    const path = h.file(pattern)
    fifo(path)
    expect(h.run(), 'SIGKILL: killed after 30 s, hung').toEqual([null, 0, 'fifo-host', ''])
    // rebuilt: a file again, and the next start uses it
    expect(statSync(path).isFile()).toBe(true)
    expect(h.run()).toEqual([null, 0, 'fifo-host', ''])
  })
})
