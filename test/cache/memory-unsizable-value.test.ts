/**
 * The memory tier sizes each value by walking it (for maxSize). A value with a cycle, or nested
 * deeper than the stack, overflowed that walk: an uncaught RangeError that ended the process, where
 * the fs tier fails such a write alone with a warning. Not JSON, so not kept exactly by every tier,
 * but never a crash.
 */
import { describe, expect, it } from 'vitest'
import { manager } from './_manager.js'

describe('a value the memory tier cannot walk to the end', () => {
  it('a cycle or a 20 000-deep nesting is kept (sized as a large value), and the process goes on', async () => {
    for (const driver of ['memory', ['memory', 'fs']] as const) {
      const { cache, m } = manager({ driver: driver as never })
      const cycle: Record<string, unknown> = {}
      cycle.self = cycle
      let deep: Record<string, unknown> = {}
      const root = deep
      for (let i = 0; i < 20_000; i++) deep = (deep.d = {}) as Record<string, unknown>
      await cache.set('cycle', cycle)
      await cache.set('deep', root)
      expect(await cache.wrap('wrapped', async () => cycle)).toBe(cycle)
      await cache.set('after', 'ok')
      expect(await cache.get('after')).toBe('ok')
      expect(await cache.get('cycle')).toBe(cycle)
      await m.close()
    }
  }, 30_000)
})
