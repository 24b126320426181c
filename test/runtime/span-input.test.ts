/**
 * What a JavaScript caller may hand perf.span() and perf.pool(): a span named by a number (a loop
 * index) made perf.close() throw ('text.includes is not a function' in the report's redaction), so no
 * report was written. Bad input is a clear TypeError at the call; the report is written.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { tempDir } from '../helpers/tmp.js'

const quiet = { cache: { enabled: false }, report: { console: false as const, dir: './.perf' } }

describe('perf.span(name, fn) and perf.pool(name): input a JavaScript caller may pass', () => {
  it('a name that is not a non-empty string, or a fn that is not a function: a TypeError saying what is expected, fn not run; close() writes the report', async () => {
    const cwd = tempDir()
    const perf = await createPerf({ cwd, noExitHandlers: true, overrides: quiet })
    let ran = 0
    await perf.run('build', async () => {
      for (const [name, got] of [[42, 'number'], [undefined, 'undefined'], ['', "''"], [{ toString: () => 'file' }, 'object']] as const) {
        await expect(perf.span(name as never, () => { ran++ })).rejects.toThrow(`perf.span(name, fn): name must be a non-empty string (the span's name in the report and the trace), got ${got}`)
      }
      await expect(perf.span('parse', undefined as never)).rejects.toThrow("perf.span('parse', fn): fn must be a function (the work to time), got undefined")
      await expect(perf.span('parse', 'src/a.ts' as never)).rejects.toThrow("perf.span('parse', fn): fn must be a function (the work to time), got string")
      await perf.span('parse', () => { ran++ })
    })
    expect(ran).toBe(1)
    const report = await perf.close()
    expect(report.spans.map(s => s.name)).toEqual(['parse'])
    expect(existsSync(join(cwd, '.perf/report.json'))).toBe(true)
  })

  it("perf.pool(name): a name that is not a non-empty string is a TypeError (null, 42 and '' were pools of their own, named so in the report and /metrics)", async () => {
    const perf = await createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: quiet })
    try {
      for (const [name, got] of [[null, 'null'], [42, 'number'], ['', "''"]] as const) {
        expect(() => perf.pool(name as never), String(name)).toThrow(`perf.pool(name): name must be a non-empty string (a key of concurrency.pools, or any name for a pool with the default settings), got ${got}`)
      }
      expect(perf.pool().name).toBe('default')
      expect(perf.pool(undefined).name).toBe('default')
      // a graph's pool option goes the same way: the graph rejects
      await expect(perf.graph({ a: { run: () => 1 } }, { pool: 42 as never })).rejects.toThrow('perf.pool(name): name must be a non-empty string')
      expect(perf.pool('net').name).toBe('net')
    } finally {
      await perf.close()
    }
  })
})
