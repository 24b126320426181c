/**
 * The exit code a process ends with after its command returned, in `report.historyDriver`'s copy:
 * the exit listener cannot write to Redis (synchronous work only), so it notes the code (or, when
 * the process exits while the entry is being written, the whole entry) in the report dir, and the
 * next run of the project on this machine writes it to the shared history.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { readDriverHistory } from '../../src/runtime/report/history-driver.js'
import { PENDING_FILE } from '../../src/runtime/report/history-driver-pending.js'
import { describeRedis, redisUrl } from '../helpers/redis.js'
import { reportConfig } from '../report/_state.js'
import { built, host } from './_host.js'

const describeBuilt = built ? describeRedis : describeRedis.skip

function project(fixture: string) {
  const scope = `exitdrv${Date.now()}${Math.random().toString(36).slice(2, 6)}`
  const historyDriver = { driver: 'redis', url: redisUrl }
  const h = host(fixture, { cache: { scope }, report: { historyDriver } })
  const shared = () => readDriverHistory(reportConfig(h.dir, { name: 'adapter-host', cache: { scope }, report: { historyDriver: historyDriver as never } }))
  const pending = () => existsSync(join(h.dir, 'reports', PENDING_FILE))
  return { ...h, shared, pending }
}

const fixtures = [['unperf/commander', 'commander-cli.mjs'], ['unperf/citty runMain', 'citty-cli.mjs']] as const

describeBuilt('a process.exit(5) after the run, with report.historyDriver on Redis', { timeout: 120_000 }, () => {
  it.each(fixtures)('%s, once perf is closed: the shared entry (written with 0) gets 5 from the next run, nothing else changes', async (_label, fixture) => {
    const p = project(fixture)
    const late = p.run(['late'], { LATE_AFTER_CLOSE: '1' })
    expect(late.code, late.stderr).toBe(5)
    expect(late.history.map(e => e.exitCode)).toEqual([5])
    const before = await p.shared()
    expect(before.map(e => [e.runId, e.exitCode])).toEqual([[late.history[0]!.runId, 0]])
    expect(p.pending()).toBe(true)

    const next = p.run(['ok'])
    expect(next.code, next.stderr).toBe(0)
    expect(next.stderr).not.toMatch(/historyDriver/)
    const after = await p.shared()
    expect(after.map(e => [e.runId, e.exitCode])).toEqual(next.history.map(e => [e.runId, e.exitCode]))
    expect(after.map(e => e.exitCode)).toEqual([5, 0])
    expect({ ...after[0], exitCode: 0 }).toEqual(before[0])
    expect(p.pending()).toBe(false)
  })

  it.each(fixtures)('%s, during the close (the entry not written yet, or being written): the next run adds it with 5', async (_label, fixture) => {
    const p = project(fixture)
    const late = p.run(['late'])
    expect(late.code, late.stderr).toBe(5)
    expect(late.history.map(e => e.exitCode)).toEqual([5])
    expect(p.pending()).toBe(true)

    const next = p.run(['ok'])
    expect(next.code, next.stderr).toBe(0)
    // the shared history holds both runs as the local one does
    expect((await p.shared()).map(e => [e.runId, e.exitCode, e.commands.map(c => c.name)])).toEqual(next.history.map(e => [e.runId, e.exitCode, (e.commands as Array<{ name: string }>).map(c => c.name)]))
    expect(p.pending()).toBe(false)
  })

  it.each(fixtures)('%s: a process.exit(3) inside the command (the synchronous exit path, no network write) is added by the next run', async (_label, fixture) => {
    const p = project(fixture)
    const quit = p.run(['quit'], { EXIT_CODE: '3' })
    expect(quit.code, quit.stderr).toBe(3)
    expect(await p.shared()).toEqual([])
    const next = p.run(['ok'])
    expect(next.code, next.stderr).toBe(0)
    expect((await p.shared()).map(e => [e.runId, e.exitCode, e.commands.map(c => [c.name, c.status])])).toEqual([
      [quit.history[0]!.runId, 3, [['quit', 'error']]],
      [next.history[1]!.runId, 0, [['ok', 'ok']]],
    ])
    expect(p.pending()).toBe(false)
  })
})
