/**
 * One instance per plugin name. A preset listing `['stamp', { level: 1 }]` and a project listing
 * `['stamp', { level: 2 }]` had both set up (setup() twice, every listener twice, the project unable
 * to change the preset's options). Now the entry listed last, the layer closest to the project,
 * is set up alone, with its own options (never merged with the preset's), at the preset's place in
 * the order; the same plugin twice in one list is set up once too, with a warning.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { captureStderr } from '../helpers/stderr.js'
import { BASE, projectWith } from '../helpers/project.js'
import { configAt } from '../helpers/position.js'

type Log = string[]
const log = () => ((globalThis as { __one?: Log }).__one ??= [])
const reset = () => { (globalThis as { __one?: Log }).__one = [] }

/** A plugin that logs its setup (with its options) and each command:before it hears. */
const plugin = (name: string) => `export default { name: '${name}',
  hooks: { 'command:before': ctx => { globalThis.__one.push('${name} before ' + ctx.name) } },
  setup({ options }) { globalThis.__one.push('${name} setup ' + JSON.stringify(options)) } }`

const preset = {
  'node_modules/acme-preset/package.json': JSON.stringify({ name: 'acme-preset', version: '1.0.0', type: 'module', exports: './perf.config.mjs' }),
  'node_modules/acme-preset/perf.config.mjs': `export default { plugins: [['stamp', { level: 1, tag: 'preset' }], './plugins/after.mjs'] }`,
  'node_modules/acme-preset/plugins/after.mjs': plugin('after'),
  'node_modules/stamp/package.json': JSON.stringify({ name: 'stamp', version: '1.0.0', type: 'module', exports: './index.mjs' }),
  'node_modules/stamp/index.mjs': plugin('stamp'),
}

async function run(dir: string, options: { noSnapshot?: boolean; env?: string } = {}) {
  reset()
  return captureStderr(async () => {
    const perf = await createPerf({ cwd: dir, noExitHandlers: true, ...options })
    await perf.run('go', () => {})
    await perf.close()
  })
}

describe('a plugin listed more than once', () => {
  it.each([true, false])("by a preset and by the project: the project's entry alone, its options, at the preset's place (noSnapshot: %s)", async noSnapshot => {
    const dir = projectWith(`export default { ${BASE}, extends: ['acme-preset'], plugins: [['stamp', { level: 2 }]] }`, preset, 'one-instance-cli')
    const { text } = await run(dir, { noSnapshot })
    expect(text).toBe('')
    expect(log()).toEqual(['stamp setup {"level":2}', 'after setup {}', 'stamp before go', 'after before go'])
  })

  it("by the project and its env block: the env block's entry, no warning; the project's elsewhere", async () => {
    const dir = projectWith(`export default { ${BASE}, plugins: [['stamp', { level: 2 }]], $env: { ci: { plugins: [['stamp', { level: 3 }]] } } }`, preset, 'one-instance-env-cli')
    expect((await run(dir, { env: 'ci' })).text).toBe('')
    expect(log()).toEqual(['stamp setup {"level":3}', 'stamp before go'])
    await run(dir, { env: 'production' })
    expect(log()).toEqual(['stamp setup {"level":2}', 'stamp before go'])
  })

  it('twice in one list: set up once, with the later entry, and a warning naming both entries', async () => {
    const dir = projectWith(`export default { ${BASE}, plugins: [['stamp', { level: 1 }], './plugins/other.mjs', ['stamp', { level: 2 }]] }`, {
      ...preset, 'plugins/other.mjs': plugin('other'),
    }, 'one-instance-twice-cli')
    const { text } = await run(dir)
    expect(log()).toEqual(['stamp setup {"level":2}', 'other setup {}', 'stamp before go', 'other before go'])
    // each entry where it is written, as config errors name a key
    expect(text).toBe(`[unperf] warn plugin 'stamp' is listed twice in one list (plugins[0] in ${configAt(dir, "['stamp', { level: 1 }]")}, then plugins[2] in ${configAt(dir, "['stamp', { level: 2 }]")}): it is set up once, with the options of the later entry alone; list it once\n`)
  })

  it("three times in one list: the warning names all three and says the last entry's options are set up", async () => {
    // it named the first two and said "the later entry": the second's options, while the third's were set up
    const dir = projectWith(`export default { ${BASE}, plugins: ['stamp', ['stamp', { level: 1 }], ['stamp', { level: 2 }]] }`, preset, 'one-instance-thrice-cli')
    const { text } = await run(dir)
    expect(log()).toEqual(['stamp setup {"level":2}', 'stamp before go'])
    expect(text).toBe(`[unperf] warn plugin 'stamp' is listed 3 times in one list (plugins[0] in ${configAt(dir, "'stamp'")}, plugins[1] in ${configAt(dir, "['stamp', { level: 1 }]")}, then plugins[2] in ${configAt(dir, "['stamp', { level: 2 }]")}): it is set up once, with the options of the last entry alone; list it once\n`)
  })
})

describe("a preset's list with a plugin twice, and the project's entry for it", () => {
  // the warning said the preset's later entry's options were set up, while the project's were
  it("says the project's entry is set up in their place, with its options", async () => {
    const twice = { ...preset, 'node_modules/acme-preset/perf.config.mjs': `export default { plugins: [['stamp', { level: 1 }], ['stamp', { level: 2 }]] }` }
    const dir = projectWith(`export default { ${BASE}, extends: ['acme-preset'], plugins: [['stamp', { level: 3 }]] }`, twice, 'one-instance-preset-twice-cli')
    const { text } = await run(dir)
    expect(log()).toEqual(['stamp setup {"level":3}', 'stamp before go'])
    expect(text).toMatch(/^\[unperf\] warn plugin 'stamp' is listed twice in one list \(.*acme-preset.*, then .*acme-preset.*\): it is set up once, with the options of a later layer's entry \(plugins\[0\] in [^()]*perf\.config\.mjs:1:\d+\) alone; list it once\n$/)
  })
})

describe('a plugin file listed by two entries', () => {
  it('is imported once: a plugin exported as a factory is called once, set up once with the closest entry', async () => {
    const factory = `globalThis.__one.push('stamp imported')
      export default () => { globalThis.__one.push('stamp factory')
        return { name: 'stamp', setup({ options }) { globalThis.__one.push('stamp setup ' + JSON.stringify(options)) } } }`
    const dir = projectWith(`export default { ${BASE}, extends: ['acme-preset'], plugins: [['./node_modules/stamp/index.mjs', { level: 2 }]] }`, {
      ...preset, 'node_modules/stamp/index.mjs': factory,
    }, 'one-instance-factory-cli')
    const { text } = await run(dir, { noSnapshot: true })
    expect(text).toBe('')
    expect(log()).toEqual(['stamp imported', 'stamp factory', 'stamp setup {"level":2}', 'after setup {}', 'after before go'])
  })
})

describe('a plugin file the config imports and a preset lists by path', () => {
  // the warm start's config snapshot bundled the imported file in: two module instances, its
  // top-level code run twice on every warm start (built dist, real processes: the snapshot path)
  it('runs its top-level code once, cold and warm (the snapshot imports that file instead of a copy)', () => {
    const dist = join(import.meta.dirname, '../../dist/index.mjs')
    const dir = projectWith(`import stamp from './plugins/stamp.mjs'
      export default { ${BASE}, extends: ['acme-preset'], plugins: [[stamp, { level: 2 }]] }`, {
      'node_modules/acme-preset/package.json': JSON.stringify({ name: 'acme-preset', version: '1.0.0', type: 'module', exports: './perf.config.mjs' }),
      'node_modules/acme-preset/perf.config.mjs': `export default { plugins: [['../../plugins/stamp.mjs', { level: 1 }]] }`,
      'plugins/stamp.mjs': `process.stdout.write('stamp evaluated\\n')
        export default { name: 'stamp', setup({ options }) { process.stdout.write('stamp setup ' + JSON.stringify(options) + '\\n') } }`,
      'app.mjs': `import { createPerf } from ${JSON.stringify(dist)}
        const perf = await createPerf({ cwd: process.cwd(), noExitHandlers: true })
        await perf.close()`,
    }, 'one-instance-snapshot-cli')
    for (const run of ['cold', 'warm', 'warm again']) {
      const r = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
      expect(r.stderr, run).toBe('')
      expect(r.stdout, run).toBe('stamp evaluated\nstamp setup {"level":2}\n')
    }
  })
})

describe('two different plugins of one name in one list', () => {
  // the warning told the user to "list it once", as if one plugin were listed twice: two plugins
  // from two files (two authors picking one name) are a name clash, and only the later one runs
  it('sets up the later one and says they are two plugins sharing a name, not one listed twice', async () => {
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/git-a.mjs', './plugins/git-b.mjs'] }`, {
      'plugins/git-a.mjs': plugin('git').replace(/'git /g, "'git-a "),
      'plugins/git-b.mjs': plugin('git').replace(/'git /g, "'git-b "),
    }, 'one-instance-clash-cli')
    const { text } = await run(dir)
    expect(log()).toEqual(['git-b setup {}', 'git-b before go'])
    expect(text).toBe(`[unperf] warn two plugins in one list are named 'git' (plugins[0] in ${configAt(dir, "'./plugins/git-a.mjs'")}, then plugins[1] in ${configAt(dir, "'./plugins/git-b.mjs'")}): only the later one is set up (one instance per name, which is also its cache namespace 'plugin:git'); if they are different plugins, one of them must take another name\n`)
  })
})
