/**
 * perf.run() on an instance already closed (code that holds the instance past the end of the run: a
 * library, an update check, a test helper): it ran the command through the whole lifecycle, fired
 * command:before/after after 'exit' had fired, and appended the run to the `commands` of the report
 * close() had returned, which then no longer matched report.json and the history. Now the function
 * runs, its result or error comes back, and nothing is recorded or fired.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith } from '../helpers/project.js'

describe('perf.run() after close()', () => {
  it('runs the function, records nothing, fires no hook; the returned report stays what was written', async () => {
    const dir = projectWith(`export default { ${BASE} }`)
    const perf = await createPerf({ cwd: dir, noExitHandlers: true })
    const heard: string[] = []
    perf.hooks.hook('command:before', ctx => { heard.push(`before ${ctx.name}`) })
    perf.hooks.hook('command:after', ctx => { heard.push(`after ${ctx.name}`) })
    await perf.run('build', () => 1)
    const report = await perf.close()
    expect(heard).toEqual(['before build', 'after build'])

    let seen: { name: string; argv: string[] } | undefined
    await expect(perf.run('late', (ctx) => { seen = { name: ctx.name, argv: ctx.argv }; return 42 }, { argv: ['x'] })).resolves.toBe(42)
    expect(seen).toEqual({ name: 'late', argv: ['x'] })
    await expect(perf.run('late-error', () => { throw new RangeError('late boom') })).rejects.toThrow('late boom')
    expect(heard).toEqual(['before build', 'after build'])
    expect(report.commands.map(c => c.name)).toEqual(['build'])
    const written = JSON.parse(readFileSync(join(dir, '.perf/report.json'), 'utf8')) as { commands: Array<{ name: string }> }
    expect(written.commands.map(c => c.name)).toEqual(['build'])
    expect(readFileSync(join(dir, '.perf/history.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1)
  })
})
