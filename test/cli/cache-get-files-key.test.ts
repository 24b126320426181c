/**
 * `wrap(key, fn, { files })` stores its value as `key#files:<hash>` (docs/cache.md). After the README
 * tour's `cache.wrap('deps-graph', ..., { files })`, `unperf cache get deps-graph` said only "no entry
 * for 'deps-graph'", beside the entry. It now names the key the value is stored under, and that key reads it.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

describe('unperf cache get: a key wrap() stored with files', () => {
  it("names the key it is stored under (exit 1), which reads it; a key never stored keeps the plain message", () => {
    const dir = tempDir('unperf-cli-files-key-')
    mkdirSync(join(dir, 'node_modules'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'files-key-fixture', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { driver: 'fs', namespaces: { git: { ttl: '1h' } } }, report: { console: false } }`)
    writeFileSync(join(dir, 'app.mjs'), `
      import { createPerf } from ${JSON.stringify(dist)}
      const perf = await createPerf()
      await perf.cache.wrap('deps-graph', async () => ({ nodes: 3 }), { files: ['package.json'] })
      await perf.cache.namespace('git').wrap("it's", async () => 1, { files: ['package.json'] })
      await perf.close()`)
    const app = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(app.stderr).toBe('')
    const miss = unperf(dir, 'cache', 'get', 'deps-graph')
    expect(miss.code).toBe(1)
    const stored = /'(deps-graph#files:[0-9a-f]+)'/.exec(miss.stderr)?.[1]
    expect(miss.stderr, miss.stderr).toMatch(/^\[unperf\] no entry for 'deps-graph'; wrap\(\) with files stored it under the key and a hash of the files' content: 'deps-graph#files:[0-9a-f]+' \(unperf cache get 'deps-graph#files:[0-9a-f]+'\)\n$/)
    const hit = unperf(dir, 'cache', 'get', stored!, '--json')
    expect(hit.code, hit.stderr).toBe(0)
    expect(hit.json().value).toEqual({ nodes: 3 })
    expect(unperf(dir, 'cache', 'get', 'deps').stderr).toBe("[unperf] no entry for 'deps'\n")
    // the command to paste: its namespace, and a ' in the key quoted for a POSIX shell
    const quoted = unperf(dir, 'cache', 'get', "it's", '--namespace', 'git')
    const line = /\((unperf cache get .*)\)\n$/.exec(quoted.stderr)?.[1]
    expect(line, quoted.stderr).toMatch(/^unperf cache get 'it'\\''s#files:[0-9a-f]+' --namespace 'git'$/)
    const pasted = spawnSync('sh', ['-c', `printf '%s\\n' ${line!.slice('unperf cache get '.length)}`], { encoding: 'utf8' })
    expect(pasted.stdout).toMatch(/^it's#files:[0-9a-f]+\n--namespace\ngit\n$/)
  }, 60_000)
})
