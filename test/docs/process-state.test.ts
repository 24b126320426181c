/**
 * The 'restored' project's files share a worker's process because what each changes of it is put
 * back after it (test/setup/restore-process.ts): every kind of change ISOLATED's files make is put
 * back by restore() and seen by differences(), or a file could pass or fail by the one before it.
 */
import { expect, it } from 'vitest'
import { differences, restore, snapshot } from '../helpers/process-state.js'

it('puts back process.env, the umask, the cwd, process.exitCode, listeners, stdout/stderr writes and globals', () => {
  const before = snapshot()
  const cwd = process.cwd()
  const write = process.stdout.write
  const listener = () => {}
  const kept = process.listeners('exit')[0]
  try {
    process.env.UNPERF_RESTORE_CHECK = 'x'
    delete process.env.XDG_CACHE_HOME
    process.umask(0o077)
    process.chdir('/')
    process.exitCode = 3
    process.on('exit', listener)
    process.on('SIGUSR2', listener)
    if (kept) process.off('exit', kept as () => void)
    process.setMaxListeners(99)
    process.stdout.write = (() => true) as typeof process.stdout.write
    process.stderr.write = (() => true) as typeof process.stderr.write
    ;(globalThis as Record<string, unknown>).__restoreCheck = 1
    ;(globalThis as Record<symbol, unknown>)[Symbol.for('unperf.current')] = {}
    ;(globalThis as Record<string, unknown>).setImmediate = () => {}
    expect(differences(before, snapshot())).toEqual(expect.arrayContaining([
      'process.env.UNPERF_RESTORE_CHECK', 'process.env.XDG_CACHE_HOME', 'the umask', 'the cwd', 'process.exitCode', 'the max listeners',
      "process listeners of 'exit'", "process listeners of 'SIGUSR2'", 'process.stdout.write', 'process.stderr.write',
      'globalThis[__restoreCheck]', 'globalThis[Symbol(unperf.current)]', 'globalThis[setImmediate]',
    ]))
  } finally {
    restore(before)
  }
  expect(differences(before, snapshot())).toEqual([])
  expect(process.env.UNPERF_RESTORE_CHECK).toBeUndefined()
  expect(process.env.XDG_CACHE_HOME).toBe(before.env.XDG_CACHE_HOME)
  expect(process.cwd()).toBe(cwd)
  expect(process.stdout.write).toBe(write)
  expect(process.listeners('exit')).not.toContain(listener)
  if (kept) expect(process.listeners('exit')).toContain(kept)
  expect(process.listenerCount('SIGUSR2')).toBe(0)
  expect('__restoreCheck' in globalThis).toBe(false)
  expect(typeof setImmediate(() => {})).toBe('object')
})
