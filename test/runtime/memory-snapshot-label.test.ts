/**
 * perf.memory.snapshot(label) with a label that is not a string was kept as it was: one that JSON
 * cannot hold (an object with a cycle, a BigInt) made report.json and the history go unwritten at
 * close (a warning: "the report could not be written ...: Do not know how to serialize a BigInt").
 * A label that is not a string is now a TypeError at the call naming it; the report is written.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/index.js'
import { BASE, projectWith } from '../helpers/project.js'

describe('perf.memory.snapshot(label)', () => {
  it('a label that is not a string throws naming the call; the report is still written', async () => {
    const dir = projectWith(`export default { ${BASE} }`)
    const perf = await createPerf({ rootDir: dir, cwd: dir })
    const cycle: Record<string, unknown> = { a: 1 }
    cycle.self = cycle
    await perf.run('build', async () => {
      for (const [label, got] of [[cycle, 'object'], [10n, 'bigint'], [42, 'number'], [null, 'null']] as const) {
        expect(() => perf.memory.snapshot(label as unknown as string)).toThrow(new TypeError(`[unperf] perf.memory.snapshot(label): label must be a string (the snapshot's name in the report; none: '#1', '#2', ...), got ${got}`))
      }
      expect(perf.memory.snapshot().label).toBe('#1')
      expect(perf.memory.snapshot('after parse').label).toBe('after parse')
    })
    await perf.close()
    const file = join(dir, '.perf', 'report.json')
    expect(existsSync(file)).toBe(true)
    const report = JSON.parse(readFileSync(file, 'utf8')) as { memory: { snapshots: { label: string }[] } }
    expect(report.memory.snapshots.map(s => s.label)).toEqual(['#1', 'after parse'])
  })
})
