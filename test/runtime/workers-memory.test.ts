/**
 * `concurrency.workers.maxMemory`: a build tool's export that allocates without bound grew its worker
 * thread up to the process's own heap limit (GBs; nothing in unperf's config could cap a thread).
 * The limit is each thread's V8 resourceLimits: the task's thread is ended, the call rejects with
 * ERR_WORKER_OUT_OF_MEMORY naming the task and the limit, and the pool serves the next task.
 * Real worker threads; the config key is validated with its key path.
 */
import { describe, expect, it } from 'vitest'
import { loadPerfConfig } from '../../src/config/load.js'
import { ConfigError } from '../../src/errors.js'
import { createWorkers } from '../../src/runtime/workers.js'
import { tempDir } from '../helpers/tmp.js'
import { runtimeContext } from './_ctx.js'

const fixture = new URL('./fixtures/cpu.mjs', import.meta.url).href

describe('workers: maxMemory', () => {
  it("a thread over the limit ends: ERR_WORKER_OUT_OF_MEMORY naming the task and the limit; the pool serves on", async () => {
    const w = createWorkers(runtimeContext({}, { max: 1, maxMemory: 32 * 1024 * 1024 }))
    try {
      const error = await w.run(fixture, 'hog').then(() => undefined, (e: Error & { code?: string }) => e)
      expect(error).toMatchObject({ code: 'ERR_WORKER_OUT_OF_MEMORY' })
      expect(error!.message).toMatch(/worker task hog of .*cpu\.mjs ran out of memory: its thread reached concurrency\.workers\.maxMemory \(32 MiB\)/)
      expect(await w.run(fixture, 'hashRounds', ['x', 1])).toHaveLength(64)
    } finally {
      await w.close()
    }
  }, 30_000)

  it('resolves a size to bytes; false by default; under 8 MiB or not a size is a config error naming the key path', async () => {
    const cwd = tempDir()
    const config = await loadPerfConfig({ cwd, rootDir: cwd, overrides: { concurrency: { workers: { maxMemory: '64MiB' } } } })
    expect(config.concurrency.workers.maxMemory).toBe(64 * 1024 * 1024)
    expect((await loadPerfConfig({ cwd, rootDir: cwd })).concurrency.workers.maxMemory).toBe(false)
    for (const bad of ['1MB', 'lots', 0]) {
      const error = await loadPerfConfig({ cwd, rootDir: cwd, overrides: { concurrency: { workers: { maxMemory: bad as never } } } }).then(() => undefined, (e: unknown) => e)
      expect(error, String(bad)).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).message, String(bad)).toMatch(/concurrency\.workers\.maxMemory/)
    }
  })
})
