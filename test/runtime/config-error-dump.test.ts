/**
 * A hand-wired host (`await createPerf()` at top level, no try/catch) with a broken perf.config.ts:
 * Node's dump of the uncaught ConfigError printed each issue twice (in the message, then from the
 * `issues` property, then the first one's file, path, expected, found). Now the message once; the
 * issues stay properties a host's catch reads.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

describe('an uncaught ConfigError', () => {
  it("is dumped with its message once, and its issues are still properties", () => {
    const dir = tempDir('unperf-config-error-dump-')
    mkdirSync(join(dir, 'node_modules'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'host', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.ts'), "export default { cache: { ttl: '10 parsecs' } }\n")
    writeFileSync(join(dir, 'host.mjs'), `import { createPerf } from ${JSON.stringify(dist)}\nawait createPerf()\n`)
    writeFileSync(join(dir, 'caught.mjs'), `import { createPerf } from ${JSON.stringify(dist)}
try { await createPerf() } catch (error) { console.log(JSON.stringify({ issues: error.issues, file: error.file, path: error.path, found: error.found })) }\n`)
    const env = { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') }
    const r = spawnSync(process.execPath, ['host.mjs'], { cwd: dir, encoding: 'utf8', env, timeout: 60_000 })
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('ConfigError: [unperf] invalid config:')
    // before: 3 times (the message, the issue's message, the first issue's `expected`)
    expect(r.stderr.split("cache.ttl: expected a duration like '10m'").length - 1, r.stderr).toBe(1)
    expect(r.stderr).not.toMatch(/^\s+issues: \[/m)
    expect(r.stderr).toContain("code: 'E_CONFIG'")
    const caught = spawnSync(process.execPath, ['caught.mjs'], { cwd: dir, encoding: 'utf8', env, timeout: 60_000 })
    expect(JSON.parse(caught.stdout)).toMatchObject({ issues: [{ file: 'perf.config.ts', path: 'cache.ttl', found: '10 parsecs' }], file: 'perf.config.ts', path: 'cache.ttl', found: '10 parsecs' })
  })
})
