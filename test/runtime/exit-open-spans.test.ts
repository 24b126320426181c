/**
 * A span still open when the process exits (process.exit() inside it, a fatal error) is recorded up
 * to that moment, in report.json and trace.json: before, only the spans that had ended were, so the
 * trace of a CLI that exited inside a span (or crashed in one) never showed where it was. Its status
 * is the commands' cut short: 'error', unless the process exits with 0.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

function exitInsideSpans(code: number): { status: number | null; spans: { name: string; status: string; parent?: string; duration: number }[]; trace: { name: string; ph: string; args?: { status?: string } }[] } {
  const dir = tempDir('unperf-open-spans-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'open-spans-cli', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'main.mjs'), `
    import { createPerf } from ${JSON.stringify(dist)}
    const perf = await createPerf({ overrides: { cache: { driver: 'memory' }, report: { console: false, dir: './.perf' } } })
    await perf.run('deploy', async () => {
      await perf.span('done', () => 1)
      await perf.span('upload', async () => {
        await perf.span('chunk 3', async () => { await new Promise(r => setTimeout(r, 5)); process.exit(${code}) })
      })
    })`)
  const run = spawnSync(process.execPath, ['main.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
  const report = JSON.parse(readFileSync(join(dir, '.perf/report.json'), 'utf8'))
  const trace = JSON.parse(readFileSync(join(dir, '.perf/trace.json'), 'utf8'))
  return { status: run.status, spans: report.spans, trace: trace.traceEvents }
}

describe('spans open at exit', () => {
  it("process.exit(2) inside nested spans: they are in report.json and trace.json, 'error', with their parents", () => {
    const { status, spans, trace } = exitInsideSpans(2)
    expect(status).toBe(2)
    expect(spans.map(s => [s.name, s.status, s.parent])).toEqual([['done', 'ok', undefined], ['upload', 'error', undefined], ['chunk 3', 'error', 'upload']])
    expect(spans.find(s => s.name === 'chunk 3')!.duration).toBeGreaterThan(0)
    expect(trace.filter(e => e.ph === 'X' && ['upload', 'chunk 3'].includes(e.name)).map(e => [e.name, e.args?.status])).toEqual([['upload', 'error'], ['chunk 3', 'error']])
  })

  it("process.exit(0) inside a span: recorded 'ok', as the command is", () => {
    const { status, spans } = exitInsideSpans(0)
    expect(status).toBe(0)
    expect(spans.map(s => [s.name, s.status])).toEqual([['done', 'ok'], ['upload', 'ok'], ['chunk 3', 'ok']])
  })
})
