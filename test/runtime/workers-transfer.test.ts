import { once } from 'node:events'
import { join } from 'node:path'
import { MessageChannel } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { createWorkers } from '../../src/runtime/workers.js'
import { tempDir } from '../helpers/tmp.js'
import { runtimeContext } from './_ctx.js'

const fixture = new URL('./fixtures/cpu.mjs', import.meta.url).href

describe('workers: transferList and signal', () => {
  it('transferList moves an ArrayBuffer: the worker gets it whole, the sender is left with a detached buffer', async () => {
    const w = createWorkers(runtimeContext())
    try {
      const bytes = new Uint8Array(1 << 20).fill(3)
      const moved = await w.run<{ length: number; sum: number }>(fixture, 'sumBytes', [bytes], { transferList: [bytes.buffer] })
      expect(moved).toEqual({ length: 1 << 20, sum: 3 << 20 })
      expect(bytes.buffer.byteLength).toBe(0) // detached: moved, not copied
      expect(bytes.byteLength).toBe(0)
      // without it the args are copied: the sender keeps its buffer
      const kept = new Uint8Array(1024).fill(1)
      expect(await w.run(fixture, 'sumBytes', [kept])).toEqual({ length: 1024, sum: 1024 })
      expect(kept.buffer.byteLength).toBe(1024)
    } finally {
      await w.close()
    }
  })

  it('transferList moves a MessagePort: the worker answers on it', async () => {
    const w = createWorkers(runtimeContext())
    try {
      const { port1, port2 } = new MessageChannel()
      const reply = once(port1, 'message')
      expect(await w.run(fixture, 'replyOn', [port2, 'hello'], { transferList: [port2] })).toBe('sent')
      expect((await reply)[0]).toBe('HELLO')
      port1.close()
    } finally {
      await w.close()
    }
  })

  it('a transfer list that is not an array, or lists a typed array instead of its buffer, is a TypeError saying what is expected', async () => {
    const w = createWorkers(runtimeContext())
    await expect(w.run(fixture, 'sumBytes', [new Uint8Array(1)], { transferList: new ArrayBuffer(1) as never }))
      .rejects.toThrow(/transferList must be an array of ArrayBuffers or MessagePorts, got object/)
    // node's own message names no index and no way out
    await expect(w.run(fixture, 'sumBytes', [new Uint8Array(1)], { transferList: [new ArrayBuffer(1), new Uint8Array(1) as never] }))
      .rejects.toThrow(/transferList\[1\] is a Uint8Array, a view of an ArrayBuffer: list its buffer \(`.buffer`\)/)
    await w.close()
  })

  it('a task with a transfer list is not retried (its buffers left with the first attempt)', async () => {
    const w = createWorkers(runtimeContext({}, { retries: 2 }))
    try {
      const dir = tempDir()
      const bytes = new Uint8Array(8)
      // failOnce fails its first call per marker file: a retry would have answered 'second attempt'
      await expect(w.run(fixture, 'failOnce', [join(dir, 'moved'), bytes], { transferList: [bytes.buffer] })).rejects.toThrow('first attempt fails')
      expect(await w.run(fixture, 'failOnce', [join(dir, 'copied'), new Uint8Array(8)])).toBe('second attempt')
    } finally {
      await w.close()
    }
  })

  it('signal: aborting terminates a running task and rejects with the reason; an aborted one never runs', async () => {
    const w = createWorkers(runtimeContext())
    try {
      const ac = new AbortController()
      const running = w.run(fixture, 'spinForever', [], { signal: ac.signal })
      setTimeout(() => ac.abort(new Error('build cancelled')), 100)
      await expect(running).rejects.toThrow('build cancelled')
      // the pool still serves
      expect(await w.run(fixture, 'hashRounds', ['x', 1])).toHaveLength(64)
      await expect(w.run(fixture, 'spinForever', [], { signal: AbortSignal.abort(new Error('too late')) })).rejects.toThrow('too late')
    } finally {
      await w.close()
    }
  })
})
