/**
 * getPerf() from code deep inside a command, in real processes against the built package: while the
 * instance is set up (a plugin's setup(), a config:resolved listener calling a library that uses
 * getPerf()), after a library's own short-lived instance closes, and with two copies of unperf in
 * one tree (a plugin package depending on its own unperf).
 */
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const root = join(import.meta.dirname, '../..')

/** A host project: node_modules/unperf is this package; `plug` a plugin package with its own copy of unperf when `ownCopy`. */
function host(ownCopy: boolean) {
  const dir = tempDir('unperf-current-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'current-host', version: '1.0.0', type: 'module', private: true }))
  mkdirSync(join(dir, 'node_modules/plug'), { recursive: true })
  symlinkSync(root, join(dir, 'node_modules/unperf'), 'dir')
  if (ownCopy) {
    const copy = join(dir, 'node_modules/plug/node_modules/unperf')
    mkdirSync(copy, { recursive: true })
    cpSync(join(root, 'package.json'), join(copy, 'package.json'))
    cpSync(join(root, 'dist'), join(copy, 'dist'), { recursive: true })
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir') // its dependencies
  }
  writeFileSync(join(dir, 'node_modules/plug/package.json'), JSON.stringify({ name: 'plug', version: '1.0.0', type: 'module', exports: './index.js' }))
  writeFileSync(join(dir, 'node_modules/plug/index.js'), `
    import { createRequire } from 'node:module'
    import { createPerf, getPerf, tryGetPerf } from 'unperf'
    export const unperfFile = createRequire(import.meta.url).resolve('unperf')
    /** a library helper: which instance is current, by its name */
    export const current = () => tryGetPerf()?.config.name ?? 'none'
    export const viaGetPerf = () => getPerf().config.name
    /** a library running its own short-lived instance inside the host's command */
    export async function ownRun() {
      const own = await createPerf({ name: 'lib-own', overrides: { report: { console: false, dir: './.perf-lib' } } })
      const inside = current()
      await own.close()
      return inside
    }
    export default {
      name: 'plug',
      setup({ perf }) { globalThis.seen.push('setup:' + viaGetPerf() + ':' + (tryGetPerf() === perf)) },
      hooks: { 'config:resolved': () => { globalThis.seen.push('config:resolved:' + current()) } },
    }`)
  writeFileSync(join(dir, 'main.mjs'), `
    import { createRequire } from 'node:module'
    import { createPerf, getPerf, tryGetPerf } from 'unperf'
    import plug, { current, ownRun, unperfFile } from 'plug'
    globalThis.seen = []
    const opts = name => ({ name, overrides: { plugins: name === 'host' ? [plug] : [], report: { console: false, dir: './.perf-' + name } } })
    const host = await createPerf(opts('host'))
    const out = { copies: unperfFile !== createRequire(import.meta.url).resolve('unperf'), seen: globalThis.seen }
    out.inCommand = await host.run('build', async () => [current(), await ownRun(), current()])
    // p2 then p3 made over host; p2 closed first (not current), then p3: host is current again
    const p2 = await createPerf(opts('p2'))
    const p3 = await createPerf(opts('p3'))
    await p2.close()
    out.afterP2 = current()
    await p3.close()
    out.afterP3 = current()
    await host.close()
    out.afterHost = current()
    console.log(JSON.stringify(out))`)
  return JSON.parse(execFileSync(process.execPath, ['main.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, 'xdg') } }).trim())
}

describe('getPerf() deep inside a command', () => {
  for (const ownCopy of [false, true]) {
    it(ownCopy ? 'with a plugin package that has its own copy of unperf: the same instance' : 'with one unperf in the tree', () => {
      const out = host(ownCopy)
      expect(out.copies).toBe(ownCopy)
      // current while it is set up: plugin setup() and config:resolved listeners can use it
      expect(out.seen).toEqual(['config:resolved:host', 'setup:host:true'])
      // a library's own instance is current while it runs, and the host's again once it closes
      expect(out.inCommand).toEqual(['host', 'lib-own', 'host'])
      expect([out.afterP2, out.afterP3, out.afterHost]).toEqual(['p3', 'host', 'none'])
    })
  }
})
