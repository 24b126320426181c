/**
 * perf.workers.run()'s attempts fire the task:* hooks as a pool's tasks do (pool 'workers'): a
 * retried worker task was invisible to task:retry listeners (a plugin counting retries, a CLI
 * logging them), with the same payloads: one id for all of a call's attempts, attempt 0-based,
 * task:retry with the attempt about to run and its delay, task:end or task:error with the duration.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { TaskEventPayload } from '../../src/hooks/types.js'
import { createWorkers } from '../../src/runtime/workers.js'
import { tempDir } from '../helpers/tmp.js'
import { runtimeContext } from './_ctx.js'

const fixture = new URL('./fixtures/cpu.mjs', import.meta.url).href

describe('workers: task hooks', () => {
  it('a retried call fires task:start, task:retry, task:start, task:end; a failing one task:error', async () => {
    const ctx = runtimeContext({}, { max: 1, retries: 1 })
    const events: [string, TaskEventPayload][] = []
    for (const name of ['task:start', 'task:end', 'task:retry', 'task:error'] as const) ctx.hooks.hook(name, (e: TaskEventPayload) => { events.push([name, e]) })
    const w = createWorkers(ctx)
    try {
      expect(await w.run(fixture, 'failOnce', [join(tempDir(), 'attempted')])).toBe('second attempt')
      expect(events.map(([name, e]) => [name, e.pool, e.attempt])).toEqual([
        ['task:start', 'workers', 0], ['task:retry', 'workers', 1], ['task:start', 'workers', 1], ['task:end', 'workers', 1],
      ])
      expect(new Set(events.map(([, e]) => e.id)).size).toBe(1)
      const retry = events[1]![1]
      expect(retry.error).toMatchObject({ message: 'first attempt fails' })
      expect(retry.delay).toBeGreaterThanOrEqual(0)
      expect(events[3]![1].duration).toBeGreaterThanOrEqual(0)
      events.length = 0
      await expect(w.run(fixture, 'failTyped')).rejects.toThrow('bad type') // a TypeError: not retried
      expect(events.map(([name, e]) => [name, e.attempt])).toEqual([['task:start', 0], ['task:error', 0]])
      expect(events[1]![1].error).toMatchObject({ message: 'bad type' })
    } finally {
      await w.close()
    }
  })
})
