/**
 * The plugin bundle (src/config/plugin-bundle.ts): the plugin files a config lists by path, bundled
 * into one module beside the config snapshot. Each file loaded on its own cost ~2 ms of a CLI's
 * warm start (20 plugins: ~20 ms over the same plugins imported by the config). Real processes on
 * the built dist: the warm path is a second process finding the snapshot.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PluginError } from '../../src/errors.js'
import { writePluginBundle } from '../../src/config/plugin-bundle-write.js'
import { openPluginBundle } from '../../src/config/plugin-bundle.js'
import { mapBundleStack } from '../../src/config/plugin-bundle-stack.js'
import { BASE, projectWith } from '../helpers/project.js'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

/** A plugin file that says, when evaluated, whether it runs from the bundle or from its own file. */
const plugin = (name: string, extra = '') => `${extra}
process.stdout.write('${name} from ' + (/plugins-[0-9a-f]+\\.mjs/.test(new Error().stack) ? 'bundle' : 'file') + '\\n')
export default { name: '${name}', setup() { process.stdout.write('${name} setup\\n') } }`

const app = `import { createPerf } from ${JSON.stringify(dist)}
const perf = await createPerf({ cwd: process.cwd(), noExitHandlers: true })
await perf.run('go', () => {})
await perf.close()`

function run(dir: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg'), PERF_ENV: '', NODE_ENV: '', ...env } })
  return { out: r.stdout, err: r.stderr }
}

/** A project whose node_modules holds the snapshot (the usual place). */
function project(config: string, files: Record<string, string>, name: string) {
  return projectWith(config, { 'node_modules/.keep': '', 'app.mjs': app, ...files }, name)
}

const snapshotDir = (dir: string) => join(dir, 'node_modules/.cache/unperf/config')
const bundles = (dir: string) => readdirSync(snapshotDir(dir)).filter(n => /^plugins-[0-9a-f]+\.mjs$/.test(n))

/** Until the bundle rebuilt in its own process (after a run that found it stale) is in place: a new one, the old one pruned. */
async function rebuilt(dir: string, before: string[]): Promise<void> {
  for (const end = Date.now() + 20_000; Date.now() < end; await new Promise(r => setTimeout(r, 50))) {
    const now = bundles(dir)
    if (now.length === 1 && !before.includes(now[0]!)) return
  }
  throw new Error(`no bundle rebuilt in ${snapshotDir(dir)}`)
}

describe('plugin files listed by path', () => {
  it('load from one bundle on a warm start; two plugins sharing a helper share one instance', () => {
    const helper = `process.stdout.write('helper evaluated\\n')\nexport const seen = []`
    const dir = project(`export default { ${BASE}, bundlePlugins: true, plugins: ['./plugins/a.mjs', './plugins/b.mjs'] }`, {
      'plugins/helper.mjs': helper,
      'plugins/a.mjs': plugin('a', `import { seen } from './helper.mjs'\nseen.push('a')`),
      'plugins/b.mjs': plugin('b', `import { seen } from './helper.mjs'\nseen.push('b')\nprocess.stdout.write('b sees ' + seen.join() + '\\n')`),
    }, 'bundle-warm-cli')
    run(dir)
    for (const round of ['warm', 'warm again']) {
      const { out, err } = run(dir)
      expect(err, round).toBe('')
      expect(out, round).toBe('helper evaluated\na from bundle\nb sees a,b\nb from bundle\na setup\nb setup\n')
    }
    expect(readdirSync(snapshotDir(dir)).filter(n => /^plugins-[0-9a-f]+\.mjs(\.map)?$/.test(n))).toHaveLength(2)
  })

  it('without bundlePlugins: true, no bundle is built and each file loads on its own (the host importing one gets the same instance)', () => {
    const dir = project(`export default { ${BASE}, plugins: ['./plugins/a.mjs'], $env: { other: { bundlePlugins: false } } }`, {
      'plugins/a.mjs': plugin('a', 'export const state = { setups: 0 }'),
      'app.mjs': `${app}\nconst a = await import('./plugins/a.mjs')\nprocess.stdout.write('host sees ' + typeof a.state + '\\n')`,
    }, 'bundle-off-cli')
    run(dir)
    const { out, err } = run(dir)
    expect(err).toBe('')
    expect(out).toBe('a from file\na setup\nhost sees object\n')
    expect(readdirSync(snapshotDir(dir)).filter(n => n.startsWith('plugins-'))).toEqual([])
  })

  it('bundlePlugins: true in an env block: built with the snapshot, used in that env only', () => {
    const dir = project(`export default { ${BASE}, plugins: ['./plugins/a.mjs'], $env: { ci: { bundlePlugins: true } } }`, { 'plugins/a.mjs': plugin('a') }, 'bundle-env-cli')
    run(dir)
    expect(run(dir).out).toBe('a from file\na setup\n')
    expect(run(dir, { PERF_ENV: 'ci' }).out).toBe('a from bundle\na setup\n')
  })

  it("a package a bundled plugin imports is the file its own dir resolves, the host's instance of it", () => {
    const pkg = (version: string) => ({
      [`node_modules/counter/package.json`]: JSON.stringify({ name: 'counter', version, type: 'module', exports: { import: './index.mjs', require: './index.cjs' } }),
      [`node_modules/counter/index.mjs`]: `export const state = { version: '${version}', users: [] }`,
      [`node_modules/counter/index.cjs`]: `module.exports = { state: { version: 'cjs', users: [] } }`,
    })
    const dir = project(`export default { ${BASE}, bundlePlugins: true, plugins: ['./plugins/a.mjs', './node_modules/acme/a.mjs'] }`, {
      ...pkg('1.0.0'),
      ...Object.fromEntries(Object.entries(pkg('2.0.0')).map(([k, v]) => [`node_modules/acme/${k}`, v])),
      'node_modules/acme/package.json': JSON.stringify({ name: 'acme', version: '1.0.0', type: 'module' }),
      'node_modules/acme/a.mjs': plugin('acme', `import { state } from 'counter'\nprocess.stdout.write('acme sees ' + state.version + '\\n')`),
      'plugins/a.mjs': plugin('a', `import { state } from 'counter'\nstate.users.push('a')`),
      'app.mjs': `import { createPerf } from ${JSON.stringify(dist)}
        import { state } from 'counter'
        const perf = await createPerf({ cwd: process.cwd(), noExitHandlers: true })
        await perf.close()
        process.stdout.write('host sees ' + state.version + ' ' + state.users.join() + '\\n')`,
    }, 'bundle-package-cli')
    run(dir)
    expect(run(dir)).toEqual({ out: 'a from bundle\nacme sees 2.0.0\nacme from bundle\na setup\nacme setup\nhost sees 1.0.0 a\n', err: '' })
  })

  it('an edited plugin file (or a helper it imports) is what the next run runs; the bundle is rebuilt after that run, in a process of its own', async () => {
    const dir = project(`export default { ${BASE}, bundlePlugins: true, plugins: ['./plugins/a.mjs'] }`, {
      'plugins/helper.mjs': `export const word = 'one'`,
      'plugins/a.mjs': plugin('a', `import { word } from './helper.mjs'\nprocess.stdout.write(word + '\\n')`),
    }, 'bundle-edit-cli')
    run(dir)
    expect(run(dir).out).toBe('one\na from bundle\na setup\n')
    // same size, same second: the content hash tells
    let before = bundles(dir)
    writeFileSync(join(dir, 'plugins/helper.mjs'), `export const word = 'two'`)
    expect(run(dir).out).toBe('two\na from file\na setup\n')
    await rebuilt(dir, before)
    expect(run(dir).out).toBe('two\na from bundle\na setup\n')
    before = bundles(dir)
    writeFileSync(join(dir, 'plugins/a.mjs'), plugin('a2'))
    expect(run(dir).out).toBe('a2 from file\na2 setup\n')
    await rebuilt(dir, before)
    expect(run(dir).out).toBe('a2 from bundle\na2 setup\n')
  })

  it('a host that never calls perf.close() (closed at exit) also has the stale bundle rebuilt', async () => {
    // the process simply ends: its exit handler closes the run, which cannot await a module load
    const ends = `import { createPerf } from ${JSON.stringify(dist)}
const perf = await createPerf({ cwd: process.cwd() })
await perf.run('go', () => {})`
    const dir = project(`export default { ${BASE}, bundlePlugins: true, plugins: ['./plugins/a.mjs'] }`, {
      'plugins/a.mjs': plugin('a'), 'app.mjs': ends,
    }, 'bundle-exit-cli')
    run(dir)
    expect(run(dir).out).toBe('a from bundle\na setup\n')
    const before = bundles(dir)
    writeFileSync(join(dir, 'plugins/a.mjs'), plugin('a2'))
    expect(run(dir).out).toBe('a2 from file\na2 setup\n')
    await rebuilt(dir, before)
    expect(run(dir).out).toBe('a2 from bundle\na2 setup\n')
  })

  it('a plugin file the config imports runs its top-level code once, also when another bundled plugin imports it', () => {
    const dir = project(`import { tag } from './plugins/stamp.mjs'
      export default { ${BASE}, bundlePlugins: true, name: tag, plugins: ['./plugins/stamp.mjs', './plugins/other.mjs'] }`, {
      'plugins/stamp.mjs': `process.stdout.write('stamp evaluated\\n')\nexport const tag = 'stamped'\nexport default { name: 'stamp' }`,
      'plugins/other.mjs': plugin('other', `import { tag } from './stamp.mjs'`),
    }, 'bundle-imported-cli')
    for (const round of ['cold', 'warm', 'warm again']) {
      const { out, err } = run(dir)
      expect(err, round).toBe('')
      expect(out, round).toMatch(/^stamp evaluated\nother from (bundle|file)\nother setup\n$/)
    }
    expect(run(dir).out).toContain('other from bundle')
  })

  it("an env block's plugins and a preset's (extends) load from the bundle, each only where it applies", () => {
    const dir = project(`export default { ${BASE}, bundlePlugins: true, extends: ['acme-preset'], $env: { ci: { plugins: ['./plugins/ci.mjs'] } } }`, {
      'plugins/ci.mjs': plugin('ci'),
      'node_modules/acme-preset/package.json': JSON.stringify({ name: 'acme-preset', version: '1.0.0', type: 'module', exports: './perf.config.mjs' }),
      'node_modules/acme-preset/perf.config.mjs': `export default { plugins: ['./plugins/audit.mjs'] }`,
      'node_modules/acme-preset/plugins/audit.mjs': plugin('audit'),
    }, 'bundle-env-preset-cli')
    run(dir)
    expect(run(dir, { PERF_ENV: 'production' })).toEqual({ out: 'audit from bundle\naudit setup\n', err: '' })
    expect(run(dir, { PERF_ENV: 'ci' })).toEqual({ out: 'audit from bundle\nci from bundle\naudit setup\nci setup\n', err: '' })
  })

  it('a file esbuild cannot bundle as it loads (a syntax error, a top-level await, import() of a computed path, import.meta.resolve) loads from its file with the same error as without the snapshot; the others from the bundle', () => {
    const dir = project(`export default { ${BASE}, bundlePlugins: true, plugins: ['./plugins/broken.mjs', './plugins/waits.mjs', './plugins/computed.mjs', './plugins/resolves.mjs', './plugins/fine.mjs'] }`, {
      'plugins/broken.mjs': `export default { name: 'broken', setup() { return 1 +* 2 } }`,
      'plugins/waits.mjs': plugin('waits', `await new Promise(r => setTimeout(r, 1))`),
      // what would be resolved from the bundle's place instead of the file's
      'plugins/computed.mjs': plugin('computed', `const which = './word.mjs'\nexport const load = () => import(which)`),
      'plugins/resolves.mjs': plugin('resolves', `export const word = import.meta.resolve('./word.mjs')`),
      'plugins/word.mjs': `export const word = 'w'`,
      'plugins/fine.mjs': plugin('fine'),
    }, 'bundle-broken-cli')
    const plain = run(dir, { UNPERF_NO_SNAPSHOT: '1' })
    run(dir)
    const warm = run(dir)
    expect(warm.out).toBe('waits from file\ncomputed from file\nresolves from file\nfine from bundle\nwaits setup\ncomputed setup\nresolves setup\nfine setup\n')
    expect(warm.err).toBe(plain.err)
    expect(warm.err).toContain("plugin './plugins/broken.mjs'")
  })
})

describe('a bundle that is fresh, or a record that none can be', () => {
  it('is not rebuilt by warm runs: nothing to bundle (CommonJS plugins alone) is recorded as such', async () => {
    const dir = project(`export default { ${BASE}, bundlePlugins: true, plugins: ['./plugins/old.cjs'] }`, {
      'plugins/old.cjs': `process.stdout.write('old from ' + (/plugins-[0-9a-f]+\\.mjs/.test(new Error().stack) ? 'bundle' : 'file') + '\\n')\nmodule.exports = { name: 'old' }`,
    }, 'bundle-none-cli')
    run(dir)
    const manifest = join(snapshotDir(dir), readdirSync(snapshotDir(dir)).find(n => /^plugins-.*\.json$/.test(n))!)
    // the build itself, not its time: a start past the 2 s racy window moves builtAt (a loaded machine gets there)
    const built = () => { const { builtAt: _, ...rest } = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, unknown>; return rest }
    const before = built()
    expect(before.module).toBeUndefined()
    for (let i = 0; i < 2; i++) expect(run(dir)).toEqual({ out: 'old from file\n', err: '' })
    await new Promise(r => setTimeout(r, 1500)) // a rebuild started by those runs would be done
    expect(built()).toEqual(before)
    expect(bundles(dir)).toEqual([])
  })
})

describe('plugin files written just before the bundle was built', () => {
  // their content is compared on each start while their mtime is within 2 s of the build (an edit
  // that keeps the mtime); 20 files hashed on every start cost more than the bundle saved
  it('are hashed until that window is over, then the manifest moves its build time and no start reads them', async () => {
    // built in-process right after the file is written: a cold run in a child process took over the
    // 2 s window on a loaded machine (load 10), and the file was then never in it
    const dir = tempDir('unperf-bundle-rehash-')
    const files = project(`export default { plugins: ['./plugins/a.mjs'] }`, { 'plugins/a.mjs': plugin('a') }, 'bundle-rehash-cli')
    const source = join(files, 'plugins/a.mjs')
    const snap = { dir, rootDir: files, configFile: undefined, layers: [{ source: 'main' as const, config: { plugins: ['./plugins/a.mjs'] } }] }
    writeFileSync(source, plugin('a'))
    const written = statSync(source).mtimeMs
    expect(await writePluginBundle({ ...snap, files: [source], external: new Set() })).toBe(true)
    const manifest = join(dir, readdirSync(dir).find(n => /^plugins-.*\.json$/.test(n))!)
    const read = () => JSON.parse(readFileSync(manifest, 'utf8')) as { builtAt: number; inputs: Array<{ hash?: string }> }
    const built = read().builtAt
    expect(read().inputs.some(i => i.hash !== undefined)).toBe(true)
    // inside the window: compared by content, the build time kept
    expect(typeof openPluginBundle(snap)).toBe('object')
    expect(read().builtAt).toBe(built)
    await new Promise(r => setTimeout(r, Math.max(0, written + 2100 - Date.now())))
    // the first start past it verifies the content once more and moves the build time, the next reads nothing
    expect(typeof openPluginBundle(snap)).toBe('object')
    const moved = read().builtAt
    expect(moved).toBeGreaterThan(written + 2000)
    expect(typeof openPluginBundle(snap)).toBe('object')
    expect(read().builtAt).toBe(moved)
  })
})

describe("a plugin's error, its code run from the bundle", () => {
  it("names the plugin's own file, line and column in its stack", async () => {
    const dir = tempDir('unperf-bundle-stack-')
    const files = project(`export default { plugins: ['./plugins/boom.mjs'] }`, {
      'plugins/boom.mjs': `export default {\n  name: 'boom',\n  setup() {\n    throw new Error('boom')\n  },\n}\n`,
    }, 'bundle-stack-cli')
    const snap = { dir, rootDir: files, configFile: undefined, layers: [{ source: 'main' as const, config: { plugins: ['./plugins/boom.mjs'] } }] }
    expect(await writePluginBundle({ ...snap, files: [join(files, 'plugins/boom.mjs')], external: new Set() })).toBe(true)
    const bundle = openPluginBundle(snap)
    if (typeof bundle !== 'object') throw new Error(`no bundle: ${bundle}`)
    const source = join(files, 'plugins/boom.mjs')
    const mod = await (await bundle.open())[source]!() as { default: { setup(): void } }
    let thrown: unknown
    try { mod.default.setup() } catch (error) { thrown = error }
    expect((thrown as Error).stack).toContain(bundle.file)
    const reported = new PluginError('boom', 'setup', thrown)
    mapBundleStack(reported, bundle.file)
    expect((thrown as Error).stack).not.toContain(bundle.file)
    expect((thrown as Error).stack).toContain(`${source}:4:11`)
  })
})
