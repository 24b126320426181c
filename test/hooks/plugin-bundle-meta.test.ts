/**
 * `import.meta.url` / `import.meta.dirname` in a config file and in a plugin file on a warm start
 * (the config snapshot and the plugin bundle). The cold start's snapshot writer runs from the start
 * script's lazy chunks, whose build rewrites `import.meta` to its own parameter, in string literals
 * too: loadWithOwnPaths' `replaceAll('import.meta.url', ...)` looked for `__unperf_meta.url`, so a
 * config's `import.meta.url` named the snapshot file on warm starts, and a plugin using it was left
 * out of the bundle. Real processes on the built dist.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { BASE, projectWith } from '../helpers/project.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

const app = `import { createPerf } from ${JSON.stringify(dist)}
const perf = await createPerf({ cwd: process.cwd(), noExitHandlers: true })
await perf.run('go', () => {})
await perf.close()`

function run(dir: string) {
  const r = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg'), PERF_ENV: '', NODE_ENV: '' } })
  return { out: r.stdout, err: r.stderr }
}

describe('import.meta on a warm start', () => {
  it("names the config's and the plugin's own files, and such a plugin still loads from the bundle", () => {
    const config = `process.stdout.write('config ' + import.meta.url + ' ' + import.meta.dirname + '\\n')
export default { ${BASE}, bundlePlugins: true, plugins: ['./plugins/meta.mjs'] }`
    const dir = projectWith(config, {
      'node_modules/.keep': '',
      'app.mjs': app,
      'plugins/meta.mjs': `const where = /plugins-[0-9a-f]+\\.mjs/.test(new Error().stack) ? 'bundle' : 'file'
process.stdout.write('plugin ' + import.meta.url + ' from ' + where + '\\n')
export default { name: 'meta' }`,
    }, 'bundle-meta-cli')
    const configUrl = pathToFileURL(join(dir, 'perf.config.mjs')).href
    const pluginUrl = pathToFileURL(join(dir, 'plugins/meta.mjs')).href
    const cold = run(dir)
    expect(cold.err).toBe('')
    // (the cold run loads the plugins from the bundle it has just written, when one could be)
    expect(cold.out).toMatch(`config ${configUrl} ${dir}\nplugin ${pluginUrl} from `)
    const warm = run(dir)
    expect(warm.err).toBe('')
    expect(warm.out).toBe(`config ${configUrl} ${dir}\nplugin ${pluginUrl} from bundle\n`)
  })
})
