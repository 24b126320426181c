/**
 * `vitest run --bail`: a run stopped at a failure was not recorded at all (it ends "interrupted",
 * like Ctrl-C), so on a CI running with --bail no failing run was ever seen and `tests flaky` could
 * not find a test that fails there now and then. Real vitest 4 runs of a temp project.
 */
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { findFlaky } from '../../src/vitest/flaky.js'
import { readTestHistory, type TestRunEntry } from '../../src/vitest/history.js'
import { fileDurations } from '../../src/vitest/shard.js'
import { bundle, runVitest, tempProject } from './_project.js'

// the failing file first, whatever durations vitest recorded: with one worker its failure then stops
// the run before the others (by duration alone, a loaded machine timed a slow file past it and ran it last)
const CONFIG = `import { join } from 'node:path'
import { BaseSequencer } from 'vitest/node'
class FlakyFirst extends BaseSequencer {
  async sort(files) { return [...files].sort((a, b) => Number(b.moduleId.includes('flaky')) - Number(a.moduleId.includes('flaky'))) }
}
export default {
  test: {
    sequence: { sequencer: FlakyFirst },
    include: ['test/**/*.test.js'],
    reporters: ['default', [join(import.meta.dirname, 'reporter.mjs'), { dir: process.env.HISTORY_DIR, history: 20 }]],
  },
}
`
const SLOW = (n: number) => `import { it } from 'vitest'\n${Array.from({ length: 5 }, (_, i) => `it('s${n}-${i}', async () => { await new Promise(r => setTimeout(r, 100)) })`).join('\n')}\n`

let history: string
let entries: TestRunEntry[]
let outputs: string[]
beforeAll(async () => {
  const project = tempProject({
    'vitest.config.mjs': CONFIG,
    'test/flaky.test.js': `import { expect, it } from 'vitest'\nit('fails now and then', async () => { await new Promise(r => setTimeout(r, 700)); expect(process.env.FAIL).not.toBe('1') })\n`,
    'test/slow-1.test.js': SLOW(1),
    'test/slow-2.test.js': SLOW(2),
    'test/slow-3.test.js': SLOW(3),
  })
  await bundle(join(project, 'reporter.mjs'), { file: 'src/vitest/index.ts' })
  history = join(project, 'history')
  const env = { HISTORY_DIR: history, GITHUB_SHA: 'b'.repeat(40) }
  outputs = []
  for (const fail of ['0', '1', '0']) {
    const r = runVitest(project, 'vitest.config.mjs', { ...env, FAIL: fail }, ['--bail', '1', '--maxWorkers', '1'])
    outputs.push(r.stdout + r.stderr)
  }
  entries = readTestHistory(history).entries
}, 300_000)

describe('--bail', () => {
  it('the run stopped at a failure is recorded, as failed, bailed and partial', () => {
    expect(outputs[1]).toMatch(/fails now and then/)
    expect(entries.map(e => e.result), outputs.join('\n')).toEqual(['passed', 'failed', 'passed'])
    expect(entries[1]).toMatchObject({ bailed: true, partial: true })
    expect(entries[1]!.files.find(f => f.path === 'test/flaky.test.js')!.tests).toEqual([['fails now and then', expect.any(Number), 'f', 0]])
    expect(entries[0]!.bailed).toBeUndefined()
    // the files it never got to are not in it
    expect(entries[1]!.files.length).toBeLessThan(entries[0]!.files.length)
    expect(outputs.join('')).not.toContain('[unperf]')
  })

  it('its failure makes the test flaky; its cut-short files do not time the shards', () => {
    expect(findFlaky(entries)).toMatchObject([{ file: 'test/flaky.test.js', name: 'fails now and then', flips: 2, runs: 3 }])
    const whole = fileDurations([entries[0]!, entries[2]!])
    expect(fileDurations(entries).medians).toEqual(whole.medians)
  })
})
