/**
 * waitForLockFile (the history lock a run takes at its end, also synchronously in the exit handler)
 * measured its timeout on the wall clock: NTP stepping the clock back while it waited for a lock
 * held by a live process blocked the process for the size of the step (an hour back: an hour), not
 * for the timeout. It is measured on the monotonic clock now. Only Date.now is moved here, back an
 * hour, and forward again after 1.5 s so that the code before the fix ends too.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, expect, it, vi } from 'vitest'
import { lockHolder, waitForLockFile } from '../../src/runtime/lock-file.js'
import { tempDir } from '../helpers/tmp.js'

const HOUR = 3_600_000

afterEach(() => { vi.restoreAllMocks() })

it('gives up after its timeout when the wall clock is stepped back while it waits', () => {
  const dir = tempDir()
  mkdirSync(join(dir, 'locks'))
  const lock = join(dir, 'locks', 'history.jsonl.lock')
  writeFileSync(lock, lockHolder()) // held by this live process: never stale, never taken over
  const real = Date.now.bind(Date)
  const started = performance.now()
  let calls = 0
  vi.spyOn(Date, 'now').mockImplementation(() => {
    if (calls++ === 0) return real()
    return performance.now() - started < 1500 ? real() - HOUR : real() + HOUR
  })
  const release = waitForLockFile(lock, { staleMs: 10_000, timeoutMs: 200, pollMs: 5 })
  const waited = performance.now() - started
  expect(release).toBeUndefined()
  expect(waited).toBeGreaterThanOrEqual(190)
  expect(waited).toBeLessThan(1200)
})
