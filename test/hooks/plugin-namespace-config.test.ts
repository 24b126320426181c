/**
 * The host configures a plugin's private namespace: `cache.namespaces['plugin:<name>']` gives
 * `plugin:<name>` its ttl, driver, maxSize, sliding... Such a key was a config error ("a name not
 * starting with 'plugin:'"), so a plugin's namespace always had the root options. Configuring is
 * not reaching: `perf.cache.namespace('plugin:x')` still throws. A `plugin:x` entry that matches
 * no loaded plugin is a warning naming the key path, not an error.
 */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/errors.js'
import { createPerf } from '../../src/runtime/perf.js'
import { captureStderr } from '../helpers/stderr.js'
import { BASE, projectWith } from '../helpers/project.js'

type Seen = { ttl?: number; own?: string; reserved?: string }
const seen = () => ((globalThis as { __nsConfig?: Seen }).__nsConfig ??= {})

const STAMP = `export default { name: 'stamp', async setup({ cache }) {
  await cache.set('k', 1)
  const entry = await cache.getEntry('k')
  globalThis.__nsConfig.ttl = entry.expiresAt - entry.createdAt
} }`

async function start(dir: string) {
  ;(globalThis as { __nsConfig?: Seen }).__nsConfig = {}
  return captureStderr(async () => {
    const perf = await createPerf({ cwd: dir, noExitHandlers: true })
    try {
      perf.cache.namespace('plugin:stamp')
    } catch (error) {
      seen().reserved = (error as Error).name
    }
    await perf.close()
  })
}

describe("cache.namespaces['plugin:<name>'] in the host's config", () => {
  it("gives the plugin's namespace its ttl and driver; the namespace stays unreachable by name", async () => {
    const dir = projectWith(`export default { ${BASE.replace("cache: { driver: 'memory' }", `cache: { driver: 'memory', ttl: '1d', dir: './.cache', namespaces: { 'plugin:stamp': { ttl: '90s', driver: 'fs' } } }`)}, plugins: ['./plugins/stamp.mjs'] }`, {
      'plugins/stamp.mjs': STAMP,
    }, 'plugin-ns-config-cli')
    const { text } = await start(dir)
    expect(text).toBe('')
    expect(seen().ttl).toBe(90_000)
    // the fs driver: the plugin's entry is a file under the cache dir (the root driver is memory)
    const files = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap(e => e.isDirectory() ? files(join(d, e.name)) : [e.name])
    expect(existsSync(join(dir, '.cache'))).toBe(true)
    expect(files(join(dir, '.cache')).length).toBeGreaterThan(0)
    expect(seen().reserved).toBe('NamespaceAccessError')
  })

  it('is validated like any namespace: a bad value names its key path', async () => {
    const dir = projectWith(`export default { ${BASE.replace("cache: { driver: 'memory' }", `cache: { driver: 'memory', namespaces: { 'plugin:stamp': { ttl: '10 parsecs', slidng: true } } }`)}, plugins: ['./plugins/stamp.mjs'] }`, {
      'plugins/stamp.mjs': STAMP,
    }, 'plugin-ns-config-bad-cli')
    const error = await createPerf({ cwd: dir, noExitHandlers: true }).then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toContain("cache.namespaces['plugin:stamp'].ttl")
    expect((error as Error).message).toContain("cache.namespaces['plugin:stamp'].slidng")
  })

  it("'plugin:' without a plugin's name is a config error", async () => {
    const dir = projectWith(`export default { ${BASE.replace("cache: { driver: 'memory' }", `cache: { driver: 'memory', namespaces: { 'plugin:': { ttl: '1m' } } }`)} }`, {}, 'plugin-ns-config-empty-cli')
    const error = await createPerf({ cwd: dir, noExitHandlers: true }).then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toContain("cache.namespaces['plugin:']: expected a namespace name; 'plugin:<name>' configures the namespace of the plugin <name>")
  })

  it("a plugin:x entry for a plugin that is not loaded is a warning (did you mean), with plugins and without", async () => {
    const withPlugins = projectWith(`export default { ${BASE.replace("cache: { driver: 'memory' }", `cache: { driver: 'memory', namespaces: { 'plugin:stmp': { ttl: '1m' } } }`)}, plugins: ['./plugins/stamp.mjs'] }`, {
      'plugins/stamp.mjs': STAMP,
    }, 'plugin-ns-config-unknown-cli')
    const { text } = await start(withPlugins)
    expect(text).toBe("[unperf] warn cache.namespaces['plugin:stmp'] configures the namespace of the plugin 'stmp', which is not loaded (loaded: stamp); did you mean 'plugin:stamp'? It applies to nothing\n")
    expect(seen().ttl).toBe(86_400_000) // the plugin's namespace keeps the root ttl (the default, 1d)

    const without = projectWith(`export default { ${BASE.replace("cache: { driver: 'memory' }", `cache: { driver: 'memory', namespaces: { 'plugin:ghost': { ttl: '1m' } } }`)} }`, {}, 'plugin-ns-config-none-cli')
    expect((await start(without)).text).toBe("[unperf] warn cache.namespaces['plugin:ghost'] configures the namespace of the plugin 'ghost', which is not loaded (no plugin is); it applies to nothing\n")
  })
})
