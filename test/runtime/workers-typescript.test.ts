/**
 * A build tool run with `node --import tsx` that hands a TypeScript module to perf.workers.run():
 * Node 20 applies no --import / --loader hook in worker threads, so the import failed with node's bare
 * "Unknown file extension '.ts'" (its code lost on the way back). The call now rejects with
 * E_WORKER_TYPESCRIPT saying why and what to do (the documented shims, tsx registered in the thread
 * or jiti's import, under hosts started with node --import tsx, tsx and jiti: the packed project's
 * test/package/conform-workers-typescript.test.ts; tsx is no dependency of this repo). Real worker threads.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createWorkers } from '../../src/runtime/workers.js'
import { tempDir } from '../helpers/tmp.js'
import { runtimeContext } from './_ctx.js'

const typed = new URL('./fixtures/typed.ts', import.meta.url)

describe('workers: TypeScript modules', () => {
  it('a .ts module without a loader in the thread: E_WORKER_TYPESCRIPT naming the module and the way out', async () => {
    const w = createWorkers(runtimeContext({}, { max: 1 }))
    try {
      const error = await w.run(typed, 'double', [21]).then(() => undefined, (e: Error & { code?: string; cause?: Error }) => e)
      expect(error).toMatchObject({ code: 'E_WORKER_TYPESCRIPT' })
      expect(error!.message).toContain(typed.href)
      expect(error!.message).toMatch(/worker threads do not get the main thread's loader/)
      expect(error!.message).toMatch(/register\(\)/)
      expect(error!.cause?.message).toMatch(/Unknown file extension "\.ts"/)
    } finally {
      await w.close()
    }
  })

  // node's module map keeps a module that failed to load: in that thread the documented wrapper's
  // import of the same .ts failed again ("Unknown file extension"), though it works in a fresh one
  it('after E_WORKER_TYPESCRIPT, the documented wrapper (a loader registered in the thread) works in the same pool of one thread', async () => {
    const dir = new URL('./fixtures/ts-loader/', import.meta.url)
    const w = createWorkers(runtimeContext({}, { max: 1 }))
    try {
      await expect(w.run(new URL('answer.ts', dir), 'answer')).rejects.toMatchObject({ code: 'E_WORKER_TYPESCRIPT' })
      expect(await w.run(new URL('wrapper.mjs', dir), 'answer')).toBe(42)
      expect(await w.run(new URL('wrapper.mjs', dir), 'answer')).toBe(42) // and the new thread keeps serving
    } finally {
      await w.close()
    }
  })

  it('a module that failed to import (a SyntaxError) is imported anew once fixed: the failed thread is replaced', async () => {
    const file = join(tempDir(), 'task.mjs')
    writeFileSync(file, 'export const f = () => {\n')
    const w = createWorkers(runtimeContext({}, { max: 1 }))
    try {
      await expect(w.run(pathToFileURL(file), 'f')).rejects.toThrow(SyntaxError)
      writeFileSync(file, 'export const f = () => 7\n')
      expect(await w.run(pathToFileURL(file), 'f')).toBe(7)
    } finally {
      await w.close()
    }
  })
})
