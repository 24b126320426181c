/**
 * The hook registry: hook() returns its unregister function (idempotent), hookOnce() fires once,
 * and removeHook(name, fn) removes fn whether it was added with hook() or hookOnce() (as
 * EventEmitter's removeListener does for once()).
 */
import { describe, expect, it } from 'vitest'
import { createHookRegistry } from '../../src/hooks/registry.js'
import type { CommandContext } from '../../src/hooks/types.js'

const ctx = (name: string) => ({ name }) as CommandContext

describe('hook registry', () => {
  it('removeHook removes a listener added with hookOnce by the function given', async () => {
    const hooks = createHookRegistry()
    const calls: string[] = []
    const f = (c: CommandContext) => { calls.push(`f:${c.name}`) }
    hooks.hookOnce('command:before', f)
    expect(hooks.hasListeners('command:before')).toBe(true)
    hooks.removeHook('command:before', f)
    expect(hooks.hasListeners('command:before')).toBe(false)
    await hooks.callHook('command:before', ctx('a'))
    expect(calls).toEqual([])
  })

  it('hookOnce fires once; hook() unregisters; removeHook of an unknown fn is a no-op', async () => {
    const hooks = createHookRegistry()
    const calls: string[] = []
    hooks.hookOnce('command:before', c => { calls.push(`once:${c.name}`) })
    const un = hooks.hook('command:before', c => { calls.push(`on:${c.name}`) })
    hooks.removeHook('command:before', () => {})
    await hooks.callHook('command:before', ctx('a'))
    un()
    un()
    await hooks.callHook('command:before', ctx('b'))
    expect(calls).toEqual(['once:a', 'on:a'])
    expect(hooks.hasListeners('command:before')).toBe(false)
  })
})
