/**
 * How `unperf bench` reads a shell's status (exit-status.ts shellSignal): POSIX shells report a
 * command a signal killed as 128 + n, so 129 and above name a signal there; cmd.exe passes its
 * command's exit code on as it is, so on Windows a status is a status (a command exiting 130 exited 130).
 */
import { describe, expect, it } from 'vitest'
import { shellSignal } from '../../src/cli/exit-status.js'

describe('shellSignal', () => {
  it('POSIX: the shell\'s own signal, else 128 + n of a command under it; as before', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      expect(shellSignal({ status: null, signal: 'SIGTERM' }, platform)).toBe('SIGTERM')
      expect(shellSignal({ status: 130, signal: null }, platform)).toBe('SIGINT')
      expect(shellSignal({ status: 137, signal: null }, platform)).toBe('SIGKILL')
      expect(shellSignal({ status: 128, signal: null }, platform)).toBeNull()
      expect(shellSignal({ status: 1, signal: null }, platform)).toBeNull()
      expect(shellSignal({ status: 0, signal: null }, platform)).toBeNull()
    }
  })

  it('Windows: 129–192 are exit codes; only a signal node saw names one', () => {
    for (const status of [129, 130, 137, 143, 192]) expect(shellSignal({ status, signal: null }, 'win32')).toBeNull()
    expect(shellSignal({ status: 3221225786, signal: null }, 'win32')).toBeNull() // Ctrl-C's STATUS_CONTROL_C_EXIT
    expect(shellSignal({ status: null, signal: 'SIGKILL' }, 'win32')).toBe('SIGKILL')
  })

  it('the platform this runs on by default', () => {
    expect(shellSignal({ status: 130, signal: null })).toBe(process.platform === 'win32' ? null : 'SIGINT')
  })
})
