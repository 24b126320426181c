import { afterEach, expect, it, vi } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { tempDir } from '../helpers/tmp.js'

// @opentelemetry/api as if not installed: its import fails
vi.mock('@opentelemetry/api', () => { throw new Error("Cannot find package '@opentelemetry/api'") })

afterEach(() => { vi.restoreAllMocks() })

it('without @opentelemetry/api: close warns once with the MissingDependencyError, one [unperf] prefix, and the report is still made', async () => {
  const written: string[] = []
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { written.push(String(chunk)); return true })
  const perf = await createPerf({ cwd: tempDir(), noExitHandlers: true, overrides: {
    cache: { enabled: false }, report: { console: false, dir: './.perf' }, monitors: { interval: '1h', opentelemetry: true },
  } })
  await perf.run('build', async () => {})
  const report = await perf.close()
  vi.restoreAllMocks()
  expect(report.commands.map(c => c.name)).toEqual(['build'])
  const warnings = written.filter(w => w.includes('OpenTelemetry'))
  expect(warnings).toHaveLength(1)
  expect(warnings[0]).toMatch(/^\[unperf\] warn OpenTelemetry export failed: monitors\.opentelemetry needs the package '@opentelemetry\/api': install it \(npm i @opentelemetry\/api\)/)
  expect(warnings[0]!.match(/\[unperf\]/g)).toHaveLength(1)
})
