/**
 * Startup cost is the product: `import('unperf')` + createPerf() + a command with a .ts config
 * (warm, snapshot present) must not load consola, c12, jiti, systeminformation, ioredis, unstorage
 * drivers or anything else the config does not use. A module loader hook records every URL loaded.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist')

function loadedModules(config: string, body = ''): string[] {
  const dir = tempDir('unperf-imports-')
  mkdirSync(join(dir, 'node_modules'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'lean-cli', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.ts'), config)
  const log = join(dir, 'loaded.log')
  writeFileSync(join(dir, 'hooks.mjs'), `
    import { appendFileSync } from 'node:fs'
    export async function resolve(specifier, context, next) {
      const result = await next(specifier, context)
      appendFileSync(${JSON.stringify(log)}, result.url + '\\n')
      return result
    }`)
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module'\nregister('./hooks.mjs', import.meta.url)`)
  writeFileSync(join(dir, 'main.mjs'), `
    import { createPerf } from ${JSON.stringify(join(dist, 'index.mjs'))}
    const perf = await createPerf()
    await perf.run('hello', async () => { ${body} })
    await perf.close()`)
  // cold run builds the snapshot; the warm run is the one measured
  execFileSync(process.execPath, ['main.mjs'], { cwd: dir })
  writeFileSync(log, '')
  execFileSync(process.execPath, ['--import', './register.mjs', 'main.mjs'], { cwd: dir })
  return readFileSync(log, 'utf8').split('\n').filter(Boolean)
}

const HEAVY = ['consola', 'c12', 'jiti', 'systeminformation', 'ioredis', 'unstorage/drivers', 'esbuild', 'tinypool', 'piscina', '@opentelemetry']

describe('startup imports', () => {
  it('a warm start with a .ts config loads none of the heavy packages', () => {
    const loaded = loadedModules(`import { definePerfConfig } from 'unperf/config'\nexport default definePerfConfig({ cache: { driver: 'memory' }, report: { console: false, dir: './.perf' } })`)
    const heavy = loaded.filter(url => HEAVY.some(name => url.includes(`/node_modules/${name}`)))
    expect(heavy).toEqual([])
  })

  it('unperf/config loads nothing else', () => {
    const dir = tempDir('unperf-config-entry-')
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', `
      const { definePerfConfig } = await import(${JSON.stringify(join(dist, 'config.mjs'))})
      console.log(typeof definePerfConfig)`], { cwd: dir, encoding: 'utf8' })
    expect(out.trim()).toBe('function')
    const source = readFileSync(join(dist, 'config.mjs'), 'utf8')
    expect(source).not.toMatch(/\bimport\b/)
  })
})
