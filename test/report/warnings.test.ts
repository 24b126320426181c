/**
 * What unperf warned about is in report.json: a plugin whose hook threw in a CI run with
 * UNPERF_SILENT=1 (or report.console: false) left no trace anywhere before.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith } from '../helpers/project.js'

const silent = process.env.UNPERF_SILENT
afterEach(() => { if (silent === undefined) delete process.env.UNPERF_SILENT; else process.env.UNPERF_SILENT = silent })

describe('report.json warnings', () => {
  it('keeps each warning once, redacted, also when nothing was printed; none: no field', async () => {
    process.env.UNPERF_SILENT = '1'
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/flaky.mjs'] }`, {
      'plugins/flaky.mjs': `export default { name: 'flaky', hooks: {
        'command:before': () => { throw new Error('could not reach https://bot:hunter2@git.example.com/acme') },
      } }`,
    }, 'warnings-cli')
    const perf = await createPerf({ cwd: dir, noExitHandlers: true })
    await perf.run('one', () => {})
    await perf.run('two', () => {})
    const report = await perf.close()
    expect(report.warnings).toHaveLength(1)
    expect(report.warnings![0]!.code).toBe("plugin:flaky:hook 'command:before'")
    expect(report.warnings![0]!.message).toContain('could not reach')
    expect(report.warnings![0]!.message).not.toContain('hunter2')
    const written = JSON.parse(readFileSync(join(dir, '.perf', 'report.json'), 'utf8')) as { warnings?: unknown }
    expect(written.warnings).toEqual(report.warnings)

    const quiet = projectWith(`export default { ${BASE} }`, {}, 'no-warnings-cli')
    const other = await createPerf({ cwd: quiet, noExitHandlers: true })
    await other.run('one', () => {})
    expect((await other.close()).warnings).toBeUndefined()
  })
})
