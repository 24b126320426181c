/**
 * `unperf cache get K` reads the default namespace unless `--namespace` says another. A key the host
 * CLI set in `perf.cache.namespace('templates')`, or a plugin in its own, was "no entry for 'K'" and
 * nothing more, while `cache list` showed it. The message now names the namespace holding it and the
 * command that reads it (exit 1 still: the default namespace has no such entry).
 */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

it('names the namespace a missing key is in, and how to read it', () => {
  const dir = tempDir('unperf-cache-get-ns-hint-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'get-ns-hint-fixture', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { driver: 'fs' }, report: { console: false } }`)
  writeFileSync(join(dir, 'app.mjs'), `
    import { createPerf } from ${JSON.stringify(dist)}
    const perf = await createPerf({ overrides: { plugins: [{ name: 'git-info', async setup({ cache }) { await cache.set('head', 'abc') } }] } })
    await perf.cache.namespace('templates').set('page', '<html>')
    await perf.close()`)
  const r = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
  expect(r.status, r.stderr).toBe(0)

  const page = unperf(dir, 'cache', 'get', 'page')
  expect(page.code).toBe(1)
  expect(page.stderr.trim()).toBe("[unperf] no entry for 'page' in the default namespace; it is in namespace 'templates' (unperf cache get 'page' --namespace 'templates')")
  expect(unperf(dir, 'cache', 'get', 'head', '--json').json().error.message).toContain("it is in namespace 'plugin:git-info'")
  // the command it names reads it; a key in no namespace, or --namespace given, is said as before
  expect(unperf(dir, 'cache', 'get', 'page', '--namespace', 'templates').stdout).toBe('<html>\n')
  expect(unperf(dir, 'cache', 'get', 'nothing').stderr.trim()).toBe("[unperf] no entry for 'nothing'")
  expect(unperf(dir, 'cache', 'get', 'page', '--namespace', 'default').stderr.trim()).toBe("[unperf] no entry for 'page'")
})
