/**
 * `transferResult: true`: a worker's ArrayBuffer / whole-buffer typed array result is moved back
 * (zero copy: detached in the worker afterwards) instead of structured-cloned; a view of part of a
 * larger buffer (a pooled Buffer) is copied, as without the option. Real worker threads.
 */
import { describe, expect, it } from 'vitest'
import { createWorkers } from '../../src/runtime/workers.js'
import { runtimeContext } from './_ctx.js'

const fixture = new URL('./fixtures/cpu.mjs', import.meta.url).href

describe('workers: transferResult', () => {
  it('moves a typed array result back: the caller gets every byte, the worker is left with a detached buffer', async () => {
    // one thread: the export and returnedLengths() run in the same one
    const w = createWorkers(runtimeContext({}, { max: 1 }))
    try {
      const moved = await w.run<Uint8Array>(fixture, 'bytes', [1 << 20], { transferResult: true })
      expect(moved).toBeInstanceOf(Uint8Array)
      expect(moved.byteLength).toBe(1 << 20)
      expect(moved.every(b => b === 7)).toBe(true)
      expect(await w.run(fixture, 'returnedLengths')).toEqual([0]) // moved, not copied
      // without the option the result is copied: the worker keeps its buffer whole
      const copied = await w.run<Uint8Array>(fixture, 'bytes', [1024])
      expect(copied.byteLength).toBe(1024)
      expect(await w.run(fixture, 'returnedLengths')).toEqual([1024])
    } finally {
      await w.close()
    }
  })

  it('moves the typed arrays that are direct properties of a plain object result', async () => {
    const w = createWorkers(runtimeContext({}, { max: 1 }))
    try {
      const result = await w.run<{ width: number; data: Float64Array }>(fixture, 'image', [4096], { transferResult: true })
      expect(result.width).toBe(4096)
      expect(result.data).toBeInstanceOf(Float64Array)
      expect(result.data.length).toBe(4096)
      expect(result.data[4095]).toBe(0.5)
      expect(await w.run(fixture, 'returnedLengths')).toEqual([0])
    } finally {
      await w.close()
    }
  })

  it("a pooled Buffer (a view of part of Node's shared pool) is copied: the pool is never moved away", async () => {
    const w = createWorkers(runtimeContext({}, { max: 1 }))
    try {
      const result = await w.run<Uint8Array>(fixture, 'pooled', [], { transferResult: true })
      expect(Buffer.from(result).toString()).toBe('pooled bytes')
      const [poolLength] = await w.run<number[]>(fixture, 'returnedLengths')
      expect(poolLength).toBeGreaterThan('pooled bytes'.length) // the pool, still whole in the worker
      // the thread's pool still works
      expect(Buffer.from(await w.run<Uint8Array>(fixture, 'pooled', [], { transferResult: true })).toString()).toBe('pooled bytes')
    } finally {
      await w.close()
    }
  })

  it('a result without buffers, or an error, is unchanged by the option', async () => {
    const w = createWorkers(runtimeContext({}, { max: 1 }))
    try {
      expect(await w.run(fixture, 'sumBytes', [new Uint8Array([1, 2])], { transferResult: true })).toEqual({ length: 2, sum: 3 })
      await expect(w.run(fixture, 'failWithCode', [], { transferResult: true })).rejects.toMatchObject({ message: 'no such file', code: 'ENOENT' })
    } finally {
      await w.close()
    }
  })
})
