/**
 * A script that uses createPerf() with a pushgateway and ends without perf.close() got its report at
 * 'exit' but never pushed: a push is asynchronous, and 'exit' can only start it. The natural end of
 * the event loop ('beforeExit') now closes the run and the push completes, once.
 */
import { existsSync, readFileSync } from 'node:fs'
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { family, histogramSeries, parsePrometheus } from '../metrics/_prom.js'
import { bundleFixture, runNode } from './_child.js'

interface Push { url: string | undefined; body: string; answeredAt: number }

/** A pushgateway stand-in; `answer: false` never answers (the push then times out). */
async function gateway(answer = true) {
  const pushes: Push[] = []
  const held: ServerResponse[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', d => { body += d })
    req.on('end', () => {
      pushes.push({ url: req.url, body, answeredAt: Date.now() })
      if (answer) res.writeHead(200).end()
      else held.push(res)
    })
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pushes,
    close: () => { for (const res of held) res.destroy(); server.close() },
  }
}

function breaches(text: string): string | undefined {
  return family(parsePrometheus(text), 'acme_cli_budget_breaches_total').metrics[0]!.value
}

let fixture: string
beforeAll(async () => {
  fixture = await bundleFixture(fileURLToPath(new URL('./fixtures/push-natural-end.ts', import.meta.url)), { external: true })
})

describe('pushgateway at the natural end of the event loop', () => {
  let gw: Awaited<ReturnType<typeof gateway>>
  beforeAll(async () => { gw = await gateway() })
  afterAll(() => gw.close())

  it('pushes once, after the budgets are judged, keeps the exit code, writes the report, fires exit once', async () => {
    const project = tempDir('unperf-push-end-')
    const before = gw.pushes.length
    const child = runNode(fixture, { PROJECT: project, GATEWAY: gw.url, MODE: 'natural' })
    const { code } = await child.exited
    const exitedAt = Date.now()
    expect(code, child.stderr()).toBe(2)
    const pushes = gw.pushes.slice(before)
    expect(pushes.map(p => p.url)).toEqual(['/metrics/job/ci'])
    expect(breaches(pushes[0]!.body)).toBe('1')
    expect(histogramSeries(pushes[0]!.body, 'acme_cli_command_duration_seconds')).toMatchObject([{ labels: { command: 'build' }, count: '1' }])
    // the process does not linger once the push is answered (generous: the machine is shared)
    expect(exitedAt - pushes[0]!.answeredAt).toBeLessThan(2000)
    expect(child.stdout().match(/exit hook/g)).toHaveLength(1)
    expect(child.stderr()).toBe('')
    const report = JSON.parse(readFileSync(join(project, 'report.json'), 'utf8')) as { exitCode?: number; commands: { name: string }[] }
    expect(report.exitCode).toBe(2)
    expect(report.commands.map(c => c.name)).toEqual(['build'])
  }, 30_000)

  it('perf.close() pushes, and the end of the event loop after it does not push again', async () => {
    const project = tempDir('unperf-push-end-')
    const before = gw.pushes.length
    const child = runNode(fixture, { PROJECT: project, GATEWAY: gw.url, MODE: 'close' })
    expect((await child.exited).code, child.stderr()).toBe(0)
    expect(gw.pushes.slice(before)).toHaveLength(1)
    expect(child.stdout().match(/exit hook/g)).toHaveLength(1)
  }, 30_000)

  it('a command awaiting a promise that never settles: the run closed at the end of the loop records the 13 node exits with', async () => {
    const project = tempDir('unperf-push-end-')
    const child = runNode(fixture, { PROJECT: project, GATEWAY: gw.url, MODE: 'hang' })
    expect((await child.exited).code, child.stderr()).toBe(13)
    const report = JSON.parse(readFileSync(join(project, 'report.json'), 'utf8')) as { exitCode?: number; commands: { name: string; status: string }[] }
    expect(report.exitCode).toBe(13)
    expect(report.commands).toMatchObject([{ name: 'build', status: 'error' }])
    const history = readFileSync(join(project, 'history.jsonl'), 'utf8').trim().split('\n').map(l => JSON.parse(l) as { exitCode?: number })
    expect(history.map(h => h.exitCode)).toEqual([13])
  }, 30_000)

  it('without a pushgateway nothing listens to beforeExit (the exit path is unchanged)', async () => {
    const child = runNode(fixture, { PROJECT: tempDir('unperf-push-end-'), MODE: 'natural' })
    expect((await child.exited).code, child.stderr()).toBe(2)
    expect(child.stdout()).toContain('{"beforeExitListeners":0}')
    const pushing = runNode(fixture, { PROJECT: tempDir('unperf-push-end-'), GATEWAY: gw.url, MODE: 'natural' })
    await pushing.exited
    expect(pushing.stdout()).toContain('{"beforeExitListeners":1}')
  }, 30_000)
})

it('a pushgateway that never answers holds the process no longer than the push timeout (5 s), with a warning', async () => {
  const silent = await gateway(false)
  try {
    const project = tempDir('unperf-push-end-')
    const started = Date.now()
    const child = runNode(fixture, { PROJECT: project, GATEWAY: silent.url, MODE: 'natural' })
    const { code } = await child.exited
    expect(code, child.stderr()).toBe(2)
    expect(silent.pushes).toHaveLength(1)
    expect(Date.now() - started).toBeLessThan(15_000)
    expect(child.stderr()).toMatch(/push to http:\/\/127\.0\.0\.1:\d+ failed: .*no answer within 5000 ms/)
    expect(existsSync(join(project, 'report.json'))).toBe(true)
  } finally {
    silent.close()
  }
}, 30_000)
