/**
 * A start with plugins reads the plugins' modules (loading and setting them up, their hooks, whose
 * code an async listener's continuation is) from a lazy script of their own (scripts/lazy-scripts.mjs).
 * Among the deferred modules they were spread over both of that group's scripts: a CLI with plugins
 * read, compiled and kept ~225 kB of source for ~30 kB of plugin code (pools, workers, the metrics
 * registry, every error path's messages), ~0.25 MiB of RSS in bench/scenarios/plugin-framework.mjs.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist')

/** The lazy scripts' files by chunk name, as the start script's prologue maps them (scripts/start-prologue.mjs). */
function scriptOfChunk(): Map<string, string> {
  const loader = readFileSync(join(dist, '_chunks', readdirSync(join(dist, '_chunks')).find(n => /^index\.start-[0-9a-f]+\.js$/.test(n))!), 'utf8')
  const lazy = JSON.parse(/const LAZY = new Map\((\[.*?\])\)\n/.exec(loader)![1]!) as [string, number][]
  const scripts = JSON.parse(/const SCRIPTS = (\[.*?\])\n/.exec(loader)![1]!) as [string, string][]
  return new Map(lazy.map(([chunk, i]) => [chunk, join(dist, scripts[i]![0])]))
}

describe('a start with plugins', () => {
  it("reads the plugins' modules from a script of their own, none of the deferred modules' (pools, workers, metrics)", () => {
    const dir = tempDir('unperf-plugin-script-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'plugin-cli', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'main.mjs'), `
      import { createPerf, definePerfPlugin } from ${JSON.stringify(join(dist, 'index.mjs'))}
      const seen = []
      const plugin = definePerfPlugin({ name: 'p', setup({ hooks }) {
        hooks.hook('command:before', async ctx => { await null; seen.push(ctx.name) })
      } })
      const perf = await createPerf({ rootDir: ${JSON.stringify(dir)}, noExitHandlers: true, overrides: { plugins: [plugin], report: { console: false, dir: './.perf' } } })
      await perf.run('hello', () => {})
      await perf.close()
      if (seen.join() !== 'hello') throw new Error('the listener did not run: ' + seen)
      const lazy = globalThis[Symbol.for('unperf:lazy-chunks:' + new URL(${JSON.stringify(join(dist, 'index.mjs'))}, 'file://').href)]
      console.log(JSON.stringify([...lazy.keys()]))`)
    const env = { ...process.env, XDG_CACHE_HOME: join(dir, 'xdg') }
    // the first run writes the config snapshot and the code caches; the warm one is read
    execFileSync(process.execPath, ['main.mjs'], { cwd: dir, env, stdio: 'pipe' })
    const ran = JSON.parse(execFileSync(process.execPath, ['main.mjs'], { cwd: dir, env, encoding: 'utf8' }).trim().split('\n').at(-1)!) as string[]
    const scripts = scriptOfChunk()
    const read = new Set(ran.map(chunk => scripts.get(chunk)!))
    const pluginScript = scripts.get(ran.find(chunk => /^index\.plugins-/.test(chunk))!)!
    // the plugins' own script: their chunks only, and small
    expect([...scripts].filter(([, file]) => file === pluginScript).map(([chunk]) => chunk.replace(/^index\.|-[A-Z0-9]{8}\.mjs$/g, '')).sort())
      .toEqual(expect.arrayContaining(['async-owner', 'plugin-entries', 'plugin-hooks', 'plugins']))
    expect(statSync(pluginScript).size).toBeLessThan(40_000)
    // a preset's plugin paths (plugin-paths.ts, a deferred module) are there too: a preset listing plugins reads no other script
    const pluginPaths = [...scripts.keys()].find(chunk => /^index\.plugin-paths-/.test(chunk))
    expect(pluginPaths && scripts.get(pluginPaths)).toBe(pluginScript)
    // no script read holds a deferred module this start does not run
    const deferred = [...scripts].filter(([chunk, file]) => read.has(file) && /^index\.(pool-manager|workers|registry)-/.test(chunk)).map(([chunk]) => chunk)
    expect(deferred).toEqual([])
  })
})
