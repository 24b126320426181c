/**
 * API.md's first paragraph on the packed package: the entry points and what each exports, the
 * `unperf` binary, and `unperf/config` at zero runtime cost (importing it loads nothing else).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { consumerProject, nodeIn, resultOf } from './_packed.js'

let project: string

beforeAll(() => {
  project = consumerProject({
    'exports.mjs': `
      const out = {}
      for (const entry of ['unperf', 'unperf/config', 'unperf/citty', 'unperf/commander', 'unperf/vitest']) {
        const m = await import(entry)
        out[entry] = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, typeof v]))
      }
      const [u, c, m] = await Promise.all(['unperf', 'unperf/citty', 'unperf/commander'].map(e => import(e)))
      out.sameGetPerf = [c.getPerf === u.getPerf, m.getPerf === u.getPerf, c.tryGetPerf === u.tryGetPerf, m.tryGetPerf === u.tryGetPerf]
      console.log(JSON.stringify(out))`,
    'hooks.mjs': `
      export async function resolve(specifier, context, next) {
        const result = await next(specifier, context)
        globalThis.port?.postMessage(result.url)
        return result
      }
      export function initialize(data) { globalThis.port = data.port }`,
    'config-only.mjs': `
      import { register } from 'node:module'
      import { MessageChannel } from 'node:worker_threads'
      const { port1, port2 } = new MessageChannel()
      const loaded = []
      port1.on('message', url => loaded.push(url))
      port1.unref()
      register('./hooks.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] })
      const { definePerfConfig } = await import('unperf/config')
      const config = { cache: { ttl: '1h' } }
      const same = definePerfConfig(config) === config
      await new Promise(r => setTimeout(r, 50))
      console.log(JSON.stringify({ same, loaded: loaded.filter(u => !u.endsWith('/config-only.mjs')) }))`,
  })
}, 600_000)

describe('entry points', () => {
  it('unperf: createPerf, getPerf, loadPerfConfig, definePerfPlugin (and definePerfConfig)', () => {
    const out = resultOf(nodeIn(project, 'exports.mjs'))
    expect(out.unperf).toMatchObject({ createPerf: 'function', getPerf: 'function', loadPerfConfig: 'function', definePerfPlugin: 'function', definePerfConfig: 'function' })
    expect(out['unperf/config']).toEqual({ definePerfConfig: 'function' })
    expect(out['unperf/citty']).toMatchObject({ withPerf: 'function' })
    expect(out['unperf/commander']).toMatchObject({ instrument: 'function' })
    // getPerf/tryGetPerf from the adapters too (one package import for a host's commands), unperf's own
    for (const entry of ['unperf/citty', 'unperf/commander']) expect(out[entry]).toMatchObject({ getPerf: 'function', tryGetPerf: 'function' })
    expect(out.sameGetPerf).toEqual([true, true, true, true])
    // the reporter: vitest takes a reporter class or instance from the module's default export
    expect(out['unperf/vitest']).toMatchObject({ default: 'function' })
  })

  it('unperf/config has zero runtime cost: importing it loads no other module', () => {
    const out = resultOf(nodeIn(project, 'config-only.mjs'))
    expect(out.same).toBe(true)
    expect(out.loaded).toEqual([expect.stringMatching(/\/node_modules\/unperf\/dist\/config\.mjs$/)])
  })
})
