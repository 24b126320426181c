import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { family, parsePrometheus } from '../metrics/_prom.js'
import { bundleFixture, runNode } from './_child.js'

const fixture = fileURLToPath(new URL('./fixtures/monitor-cli.ts', import.meta.url))

describe('unperf monitor', () => {
  it('prints JSON lines when stdout is not a TTY, with the project config alerts, and stops after --count', async () => {
    const file = await bundleFixture(fixture, { external: true })
    const cwd = tempDir()
    writeFileSync(join(cwd, 'package.json'), JSON.stringify({ name: 'acme-cli', version: '1.0.0' }))
    writeFileSync(join(cwd, 'perf.config.mjs'), `export default { monitors: { alerts: { 'memory.rss': { above: '1B', for: 0 } } } }\n`)
    const child = runNode(file, {}, { cwd, args: ['--json', '--count', '3', '--interval', '100ms', '--cwd', cwd] })
    const exit = await child.exited
    expect(exit, child.stderr()).toEqual({ code: 0, signal: null })
    const lines = child.stdout().trim().split('\n').map(line => JSON.parse(line) as { type: string; metric?: string; memory?: { rss: number }; system?: unknown })
    const samples = lines.filter(l => l.type === 'sample')
    expect(samples).toHaveLength(3)
    expect(samples[0]!.memory!.rss).toBeGreaterThan(0)
    expect(samples[2]!.system).toMatchObject({ load: expect.any(Object) })
    // with the metric's kind: the unit of value and thresholds (raw bytes here)
    expect(lines.filter(l => l.type === 'alert')).toMatchObject([{ metric: 'memory.rss', kind: 'size', state: 'firing', rule: { above: 1 } }])
    // the sample comes first, then the alert it set off
    expect(lines.findIndex(l => l.type === 'alert')).toBeGreaterThan(lines.findIndex(l => l.type === 'sample'))
  }, 30_000)

  it('--serve exposes /metrics and /healthz', async () => {
    const file = await bundleFixture(fixture, { external: true })
    const cwd = tempDir()
    writeFileSync(join(cwd, 'package.json'), JSON.stringify({ name: 'acme-cli', version: '1.0.0' }))
    const child = runNode(file, {}, { cwd, args: ['--json', '--serve', '--port', '0', '--interval', '100', '--cwd', cwd] })
    try {
      const deadline = Date.now() + 20_000
      let url: string | undefined
      while (!url && Date.now() < deadline) {
        url = child.stderr().match(/serving (http:\/\/\S+?)\/metrics/)?.[1]
        if (!url) await new Promise(r => setTimeout(r, 50))
      }
      expect(url, child.stderr()).toBeDefined()
      const families = parsePrometheus(await (await fetch(`${url}/metrics`)).text())
      expect(Number(family(families, 'process_resident_memory_bytes').metrics[0]!.value)).toBeGreaterThan(0)
      expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ status: 'ok' })
    } finally {
      child.proc.kill('SIGINT')
    }
    expect(await child.exited).toEqual({ code: 0, signal: null })
  }, 30_000)

  it('a bad --interval is a usage error', async () => {
    const file = await bundleFixture(fixture, { external: true })
    const child = runNode(file, {}, { args: ['--interval', '10 parsecs'] })
    await child.exited
    expect(child.stderr()).toMatch(/--interval expects a duration like '1s' or ms, got '10 parsecs'/)
  }, 30_000)

  it("an empty --host (node would listen on every interface) is a usage error, exit 2, nothing served", async () => {
    const cwd = tempDir()
    writeFileSync(join(cwd, 'package.json'), JSON.stringify({ name: 'acme-cli', version: '1.0.0' }))
    // the built CLI (npm run build), as a user runs it: its exit code for a usage error
    const child = runNode(fileURLToPath(new URL('../../bin/unperf.mjs', import.meta.url)), {}, { cwd, args: ['monitor', '--serve', '--host', '', '--port', '0', '--count', '1', '--cwd', cwd] })
    expect(await child.exited, child.stderr()).toEqual({ code: 2, signal: null })
    // refused as every option given an empty value is (`--host=` too), before the command runs
    expect(child.stderr()).toMatch(/unperf monitor: --host expects a value, got an empty value/)
    expect(child.stderr()).not.toMatch(/serving/)
  }, 30_000)

  // util-linux `script` gives the child a real pseudo-terminal
  const hasScript = spawnSync('script', ['--version']).status === 0
  it.runIf(hasScript)('on a TTY it redraws a table each interval', async () => {
    const file = await bundleFixture(fixture, { external: true })
    const cwd = tempDir()
    writeFileSync(join(cwd, 'package.json'), JSON.stringify({ name: 'acme-cli', version: '1.0.0' }))
    const result = spawnSync('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(file)} --count 2 --interval 100ms`, '/dev/null'], { cwd, encoding: 'utf8', timeout: 30_000 })
    expect(result.status, result.stderr).toBe(0)
    const screens = result.stdout.split('\x1b[H\x1b[2J').filter(Boolean)
    expect(screens).toHaveLength(2)
    expect(screens[1]).toMatch(/unperf monitor: acme-cli/)
    // durations and percents as everywhere else in unperf's output (it printed `p50 0.22ms`, `12.8%`)
    expect(screens[1]).toMatch(/event loop delay\s+p50 [\d.]+ (µs|ms|s)\s+p99 [\d.]+ (µs|ms|s)/)
    expect(screens[1]).toMatch(/event loop utilization\s+[\d.]+ %/)
    expect(screens[1]).toMatch(/gc\s+\d+ pauses?, (0 ms|[\d.]+ (µs|ms|s))/)
    expect(screens[1]).toMatch(/memory \(this process\)\s+rss [\d.]+ MB/)
    expect(screens[1]).toMatch(/host memory/)
    expect(screens[1]).toMatch(/no alerts firing/)
  }, 30_000)
})
