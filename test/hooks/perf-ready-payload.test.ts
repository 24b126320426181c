/**
 * The `perf:ready` payload (the instance, as getPerf() and ctx.perf give it) showed its internals:
 * a user's console.log(perf), JSON.stringify(perf) or Object.keys(perf) listed every `_` field
 * (`_tracer`, `_cache`, `_log`, ...) and the hook registry's state (`_core`, `owner`, ...). Now
 * console.log and JSON.stringify show the public API alone (util.inspect's hook and toJSON on the
 * prototypes; Object.keys still lists the fields: hiding each one cost every start ≈ 1.2 M
 * instructions), and the instance works as before.
 */
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import type { Perf } from '../../src/runtime/types.js'
import { BASE, projectWith } from '../helpers/project.js'

describe('the perf:ready payload', () => {
  it('shows its public API only: console.log, JSON.stringify', async () => {
    const dir = projectWith(`export default { ${BASE}, hooks: { 'perf:ready': (perf) => { globalThis.__unperfReady = perf } } }`, {}, 'ready-payload-cli')
    const perf = await createPerf({ cwd: dir, noExitHandlers: true })
    const ready = (globalThis as { __unperfReady?: Perf }).__unperfReady
    expect(ready).toBe(perf)
    const shown = inspect(perf, { depth: 1 })
    expect(shown).not.toMatch(/\b_\w+:/)
    expect(shown).toMatch(/^Perf \{/)
    expect(shown).toContain('hooks: PerfHookRegistryImpl {}')
    expect(inspect(perf, { depth: 4 })).not.toMatch(/\b_\w+:/)
    expect(inspect({ nested: { deeper: perf } }, { depth: 1 })).toContain('[Object]')
    const json = JSON.parse(JSON.stringify(perf)) as Record<string, unknown>
    expect(Object.keys(json)).toEqual(['config', 'hooks', 'memory', 'closed'])
    // the internals still work: a command recorded, its report written, the hooks fire
    const seen: string[] = []
    perf.hooks.hook('command:after', ctx => { seen.push(ctx.name) })
    expect(await perf.run('build', () => 42)).toBe(42)
    const report = await perf.close()
    expect(seen).toEqual(['build'])
    expect(report.commands.map(c => c.name)).toEqual(['build'])
    expect(perf.closed).toBe(true)
    expect(JSON.parse(JSON.stringify(perf))).toMatchObject({ closed: true, hooks: {} })
    delete (globalThis as { __unperfReady?: Perf }).__unperfReady
  })
})
