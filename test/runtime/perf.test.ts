import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { getPerf } from '../../src/runtime/current.js'
import { BASE, projectWith } from '../helpers/project.js'
import { configAt } from '../helpers/position.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')


describe('createPerf lifecycle', () => {
  it('fires the hooks in order, config hooks registered before perf:ready', async () => {
    const dir = projectWith(`
      globalThis.__events = []
      const log = name => (...args) => { globalThis.__events.push(name) }
      export default { ${BASE}, hooks: {
        'config:resolved': log('config:resolved'), 'perf:ready': log('perf:ready'),
        'command:before': log('command:before'), 'command:after': log('command:after'),
        'report': log('report'), 'exit': log('exit') } }`)
    const perf = await createPerf({ cwd: dir, noExitHandlers: true })
    expect(getPerf()).toBe(perf)
    const value = await perf.run('build', async ctx => {
      expect(ctx.name).toBe('build')
      return 42
    }, { argv: ['build'] })
    expect(value).toBe(42)
    const report = await perf.close()
    const again = await perf.close()
    expect(again).toBe(report)
    expect((globalThis as { __events?: string[] }).__events).toEqual(['config:resolved', 'perf:ready', 'command:before', 'command:after', 'report', 'exit'])
    expect(report.commands).toHaveLength(1)
    expect(report.commands[0]).toMatchObject({ name: 'build', status: 'ok' })
    expect(report.commands[0]!.duration).toBeGreaterThanOrEqual(0)
    expect(JSON.parse(readFileSync(join(dir, '.perf/report.json'), 'utf8')).commands[0].name).toBe('build')
  })

  it('rethrows a command error unchanged and fires command:error then command:after', async () => {
    const dir = projectWith(`export default { ${BASE} }`)
    const perf = await createPerf({ cwd: dir, noExitHandlers: true })
    const seen: string[] = []
    perf.hooks.hook('command:error', (_ctx, error) => { seen.push(`error:${(error as Error).message}`) })
    perf.hooks.hook('command:after', (_ctx, result) => { seen.push(`after:${result.status}`) })
    const boom = new Error('boom')
    await expect(perf.run('fail', () => { throw boom })).rejects.toBe(boom)
    expect(seen).toEqual(['error:boom', 'after:error'])
    const report = await perf.close()
    expect(report.commands[0]).toMatchObject({ name: 'fail', status: 'error', error: { name: 'Error', message: 'boom' } })
  })

  it('loads plugins (object, specifier, [specifier, options]); a throwing plugin does not break the command', async () => {
    const dir = projectWith(`
      import good from './plugins/good.mjs'
      export default { ${BASE}, plugins: [good, './plugins/bad.mjs', ['./plugins/opts.mjs', { level: 3 }]] }`, {
      'plugins/good.mjs': `export default { name: 'good', hooks: { 'command:before': ctx => { ctx.data.good = true } }, async setup({ cache, shared }) { await cache.set('k', 'mine'); await shared.set('s', 'everyone') } }`,
      'plugins/bad.mjs': `export default { name: 'bad', hooks: { 'command:before': () => { throw new Error('hook exploded') }, 'no:such-hook': () => {} }, setup() { throw new Error('setup exploded') } }`,
      'plugins/opts.mjs': `export default { name: 'opts', setup({ options }) { globalThis.__level = options.level } }`,
    })
    const stderr: string[] = []
    const write = process.stderr.write.bind(process.stderr)
    process.stderr.write = ((chunk: string) => { stderr.push(String(chunk)); return true }) as typeof process.stderr.write
    try {
      const perf = await createPerf({ cwd: dir, noExitHandlers: true })
      const data = await perf.run('cmd', ctx => ctx.data)
      expect(data.good).toBe(true)
      expect((globalThis as { __level?: number }).__level).toBe(3)
      expect(await perf.cache.namespace('shared').get('s')).toBe('everyone')
      expect(() => perf.cache.namespace('plugin:good')).toThrow(/reserved/)
      await perf.close()
    } finally {
      process.stderr.write = write
    }
    const text = stderr.join('')
    // where its entry is written, as config errors name a key: file:line:col
    const bad = configAt(dir, "'./plugins/bad.mjs'")
    expect(text).toContain(`plugin 'bad' (plugins[1] in ${bad}) failed in setup: setup exploded`)
    expect(text).toContain(`plugin 'bad' (plugins[1] in ${bad}) failed in hook 'command:before': hook exploded`)
    expect(text).toContain(`plugin 'bad' (plugins[1] in ${bad}) registers the hook 'no:such-hook', which unperf never fires (known hooks: `)
    expect(text).toContain(`[unperf] warn plugin 'bad' (plugins[1] in ${bad}) failed in setup`)
    expect(text).not.toContain('[unperf] warn [unperf]')
  })

  it('takes [plugin object, options] as well as [specifier, options]', async () => {
    const dir = projectWith(`
      const withOptions = { name: 'with-options', setup({ options }) { globalThis.__pluginOptions = options } }
      export default { ${BASE}, plugins: [[withOptions, { level: 4 }]] }`)
    const perf = await createPerf({ cwd: dir, noExitHandlers: true })
    expect((globalThis as { __pluginOptions?: unknown }).__pluginOptions).toEqual({ level: 4 })
    await perf.close()
    // still a config error naming the key path: a tuple whose first item is neither
    await expect(createPerf({ cwd: projectWith(`export default { ${BASE}, plugins: [[42, {}]] }`), noExitHandlers: true }))
      .rejects.toThrow(/plugins\[0\]/)
  })

  // a child process on the built package: under vitest, import() of a .ts file is transformed
  it.skipIf(Boolean((process.features as { typescript?: unknown }).typescript))('a .ts plugin path on a Node without type stripping: a warning that says what to do', () => {
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/p.ts'] }`, {
      'plugins/p.ts': `export default { name: 'p' as string }`,
      'main.mjs': `import { createPerf } from ${JSON.stringify(pathToFileURL(dist).href)}
        const perf = await createPerf()
        console.log(await perf.run('cmd', () => 'still runs'))
        await perf.close()`,
    })
    const r = spawnSync(process.execPath, ['main.mjs'], { cwd: dir, encoding: 'utf8', timeout: 20_000 })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain('still runs')
    expect(r.stderr).toContain(`plugin './plugins/p.ts' (plugins[0] in ${configAt(dir, "'./plugins/p.ts'")}) failed in load: this Node`)
    expect(r.stderr).toContain('import the plugin in perf.config.ts instead')
  })

  it("an error of unperf's own inside a warning (a plugin's, a hook listener's) is printed with one [unperf] prefix", async () => {
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/ttl.mjs'], hooks: {
      // unperf's own TypeError: '[unperf] a cache namespace name is a non-empty string …, got ""'
      'command:before': ctx => { ctx.perf.cache.namespace('') },
    } }`, {
      // unperf's own TypeError: "[unperf] cache.set('k'): ttl must be a duration > 0 or false, got 0"
      'plugins/ttl.mjs': `export default { name: 'ttl', async setup({ cache }) { await cache.set('k', 1, { ttl: 0 }) } }`,
    })
    const stderr: string[] = []
    const write = process.stderr.write.bind(process.stderr)
    process.stderr.write = ((chunk: string) => { stderr.push(String(chunk)); return true }) as typeof process.stderr.write
    try {
      const perf = await createPerf({ cwd: dir, noExitHandlers: true })
      await perf.run('cmd', () => {})
      await perf.close()
    } finally {
      process.stderr.write = write
    }
    const lines = stderr.join('').split('\n').filter(Boolean)
    expect(lines).toContain(`[unperf] warn plugin 'ttl' (plugins[0] in ${configAt(dir, "'./plugins/ttl.mjs'")}) failed in setup: cache.set('k'): ttl must be a duration > 0 or false, got 0`)
    expect(lines).toContain(`[unperf] warn a 'command:before' hook listener threw: a cache namespace name is a non-empty string without lone UTF-16 surrogates, got ""`)
    for (const line of lines) expect(line.match(/\[unperf\]/g), line).toHaveLength(1)
  })

  it('loads plugin files of every kind once: ES module, CommonJS, .js in a type:module package, top-level await', async () => {
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/esm.mjs', './plugins/cjs.cjs', './plugins/typed.js', './plugins/tla.mjs', './plugins/fn.mjs'] }`, {
      'plugins/esm.mjs': `globalThis.__loads = (globalThis.__loads ?? 0) + 1; export const state = { setups: 0 }; export default { name: 'esm', setup() { state.setups++ } }`,
      'plugins/cjs.cjs': `module.exports = { name: 'cjs', setup() { globalThis.__cjs = true } }`,
      'plugins/typed.js': `export default { name: 'typed', setup() { globalThis.__typed = true } }`,
      'plugins/tla.mjs': `globalThis.__tlaRuns = (globalThis.__tlaRuns ?? 0) + 1; await new Promise(r => setTimeout(r, 5)); export default { name: 'tla', setup() { globalThis.__tla = true } }`,
      'plugins/fn.mjs': `export default () => ({ name: 'fn', setup() { globalThis.__fn = true } })`,
    })
    const g = globalThis as Record<string, unknown>
    const perf = await createPerf({ cwd: dir, noExitHandlers: true })
    await perf.close()
    expect([g.__cjs, g.__typed, g.__tla, g.__fn]).toEqual([true, true, true, true])
    expect(g.__tlaRuns).toBe(1)
    // in a real process (vitest has its own module graph): the plugin is the one instance the host's
    // own import() of the file gets, evaluated once
    writeFileSync(join(dir, 'host.mjs'), `
      import { createPerf } from ${JSON.stringify(pathToFileURL(dist).href)}
      const perf = await createPerf({ cwd: ${JSON.stringify(dir)}, noExitHandlers: true })
      await perf.close()
      const esm = await import('./plugins/esm.mjs')
      console.log(JSON.stringify({ setups: esm.state.setups, loads: globalThis.__loads, tla: globalThis.__tlaRuns }))`)
    const child = spawnSync(process.execPath, [join(dir, 'host.mjs')], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, 'xdg') } })
    expect(child.stderr).toBe('')
    expect(JSON.parse(child.stdout)).toEqual({ setups: 1, loads: 1, tla: 1 })
  })

  it('plugin files that fail to load (a throwing module, a missing file, a syntax error) are reported by name; the others still run, each evaluated once', () => {
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/a.mjs', './plugins/throws.mjs', './plugins/missing.mjs', './plugins/syntax.mjs', './plugins/c.cjs'] }`, {
      'plugins/a.mjs': `globalThis.__evals = (globalThis.__evals ?? 0) + 1; export const state = 'a'; export default { name: 'a', setup() { globalThis.__setups = [...(globalThis.__setups ?? []), 'a'] } }`,
      'plugins/throws.mjs': `globalThis.__throws = (globalThis.__throws ?? 0) + 1; throw new Error('module exploded')`,
      'plugins/syntax.mjs': `export default { name: 'syntax', setup() {} `,
      'plugins/c.cjs': `module.exports = { name: 'c', setup() { globalThis.__setups = [...(globalThis.__setups ?? []), 'c'] } }`,
      // the host's own import of a plugin file afterwards: the same module, not poisoned by its broken neighbours
      'main.mjs': `import { createPerf } from ${JSON.stringify(pathToFileURL(dist).href)}
        const perf = await createPerf()
        await perf.run('cmd', () => {})
        await perf.close()
        const a = await import('./plugins/a.mjs')
        console.log(JSON.stringify({ setups: globalThis.__setups, evals: globalThis.__evals, throws: globalThis.__throws, state: a.state }))`,
    })
    const r = spawnSync(process.execPath, ['main.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, 'xdg') } })
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({ setups: ['a', 'c'], evals: 1, throws: 1, state: 'a' })
    expect(r.stderr).toContain(`plugin './plugins/throws.mjs' (plugins[1] in ${configAt(dir, "'./plugins/throws.mjs'")}) failed in load: module exploded`)
    expect(r.stderr).toContain(`plugin './plugins/missing.mjs' (plugins[2] in ${configAt(dir, "'./plugins/missing.mjs'")}) failed in load: no file ${join(dir, 'plugins/missing.mjs')}: a plugin's path is relative to rootDir`)
    expect(r.stderr.split('\n').find(l => l.includes(`plugin './plugins/syntax.mjs' (plugins[3] in ${configAt(dir, "'./plugins/syntax.mjs'")}) failed in load: `))).toContain('Unexpected end of input')
  })

  it('a plugin package that is not installed is named with where it was looked for, not with unperf\'s own file as the importer', () => {
    const dir = projectWith(`export default { ${BASE}, plugins: ['not-installed-plugin', '@acme/missing/git'] }`, {
      'main.mjs': `import { createPerf } from ${JSON.stringify(pathToFileURL(dist).href)}
        const perf = await createPerf()
        await perf.run('cmd', () => {})
        await perf.close()`,
    })
    const r = spawnSync(process.execPath, ['main.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, 'xdg') } })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toContain(`plugin 'not-installed-plugin' (plugins[0] in ${configAt(dir, "'not-installed-plugin'")}) failed in load: package 'not-installed-plugin' is not installed: looked for node_modules/not-installed-plugin from ${dir}`)
    expect(r.stderr).toContain(`plugin '@acme/missing/git' (plugins[1] in ${configAt(dir, "'@acme/missing/git'")}) failed in load: package '@acme/missing/git' is not installed`)
    expect(r.stderr).not.toContain('dist/index.mjs')
  })

  it('perf.span, perf.pool, perf.graph and perf.memory work from the instance', async () => {
    const dir = projectWith(`export default { ${BASE}, concurrency: { pools: { network: { concurrency: 2 } } } }`)
    const perf = await createPerf({ cwd: dir, noExitHandlers: true })
    const result = await perf.run('work', async () => {
      const a = await perf.span('outer', () => perf.span('inner', () => 1))
      const b = await perf.pool('network').map([1, 2, 3], x => x * 2)
      const g = await perf.graph({ a: { run: () => 1 }, b: { run: ({ results }) => (results.a as number) + 1, deps: ['a'] } })
      perf.memory.snapshot('after')
      return { a, b, g: g.results }
    })
    expect(result).toEqual({ a: 1, b: [2, 4, 6], g: { a: 1, b: 2 } })
    const report = await perf.close()
    expect(report.spans.map(s => s.name)).toEqual(expect.arrayContaining(['outer', 'inner']))
    expect(report.spans.find(s => s.name === 'inner')).toMatchObject({ parent: 'outer', depth: 1 })
  })
})
