/**
 * The verbose console summary draws spans as a tree (indented by depth). Listed in start order,
 * concurrent work interleaves: a span was printed under whichever span preceded it, not its parent.
 */
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { renderSummary } from '../../src/runtime/report/console.js'
import { tempDir } from '../helpers/tmp.js'

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

describe("the verbose summary's spans", () => {
  it('two graphs at once: each task printed under its own graph (unit and e2e were printed under tsc, which preceded them)', async () => {
    const perf = await createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: { cache: { enabled: false }, report: { console: false, dir: './.perf' } } })
    await perf.run('ci', () => Promise.all([
      perf.graph({ tsc: { run: () => sleep(30) }, dts: { deps: ['tsc'], run: () => sleep(5) } }, { name: 'compile', pool: 'compile' }),
      perf.graph({ unit: { run: () => sleep(10) }, e2e: { run: () => sleep(15) } }, { name: 'test', pool: 'test' }),
    ]))
    const report = await perf.close()
    const text = renderSummary(report, 'verbose', false)
    const lines = text.slice(text.indexOf('\nspans\n') + 7).split('\n')
    // each row: its indentation and its name (the first cell; names here have no spaces)
    const rows = lines.slice(0, lines.findIndex(l => !l.startsWith('  '))).map(l => /^\s*\S+/.exec(l)![0])
    // each span's line is followed by its children's, indented one step more
    const indent = (row: string) => row.length - row.trimStart().length
    const index = (name: string) => rows.findIndex(r => r.trim() === name)
    for (const [child, parent] of [['tsc', 'compile'], ['dts', 'compile'], ['unit', 'test'], ['e2e', 'test']] as const) {
      const at = index(child)
      expect(at, `${child} in ${JSON.stringify(rows)}`).toBeGreaterThan(-1)
      // the nearest line above that is one step less indented is its parent
      let above = at - 1
      while (above >= 0 && indent(rows[above]!) >= indent(rows[at]!)) above--
      expect(rows[above]?.trim(), `${child}'s parent in ${JSON.stringify(rows)}`).toBe(parent)
    }
  })
})
