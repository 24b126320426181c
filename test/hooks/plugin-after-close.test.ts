/**
 * What a plugin's saved setup context does once the run is closed (a timer or a late callback of the
 * plugin's that outlives `perf.close()`): its `cache` and `shared` still store and read on the fs
 * tier, and `cache:*` listeners, the plugin's and the host's, still hear it; a listener registered
 * through its `hooks` then is registered, but `perf.run()` on the closed instance fires nothing. The
 * docs said only that a closed instance records nothing more (s32's audit of a plugin author's flow).
 */
import { describe, expect, it } from 'vitest'
import { definePerfPlugin } from '../../src/hooks/define-plugin.js'
import type { PerfPluginContext } from '../../src/hooks/plugin-types.js'
import { createPerf } from '../../src/runtime/perf.js'
import { projectWith } from '../helpers/project.js'

describe("a plugin's setup context after perf.close()", () => {
  it('its caches still store and are heard; a late lifecycle listener never fires', async () => {
    const dir = projectWith(`export default { cache: { driver: 'fs', dir: './.cache' }, report: { console: false, dir: './.perf' } }`)
    const heard: string[] = []
    let saved: PerfPluginContext | undefined
    const late = definePerfPlugin({
      name: 'late',
      hooks: { 'cache:set': e => { heard.push(`plugin ${e.namespace} ${e.key}`) } },
      setup(ctx) { saved = ctx },
    })
    const perf = await createPerf({ cwd: dir, noExitHandlers: true, overrides: { plugins: [late] } })
    perf.hooks.hook('cache:set', e => { heard.push(`host ${e.namespace} ${e.key}`) })
    await perf.close()
    expect(perf.closed).toBe(true)

    await saved!.cache.set('after', 1)
    await saved!.shared.set('late:after', 2)
    expect([await saved!.cache.get('after'), await saved!.shared.get('late:after')]).toEqual([1, 2])
    expect(heard).toEqual(['plugin plugin:late after', 'host plugin:late after', 'plugin shared late:after', 'host shared late:after'])

    const fired: string[] = []
    saved!.hooks.hook('command:after', ctx => { fired.push(ctx.name) })
    await expect(perf.run('later', () => 'ran')).resolves.toBe('ran')
    expect(fired).toEqual([])
  })
})
