/**
 * Vitest setupFile of the 'restored' project (vitest.config.ts): its files (ISOLATED but for
 * OWN_PROCESS, test/setup/projects.ts) change their process (process.env, the umask, listeners,
 * globals, stdout/stderr writes, mocks, timers, perf instances and CLI code in-process) and share
 * a worker's process all the same. What they change is put back after each file, as a process of
 * its own would have it for the next one: a snapshot taken before the file (setup files run before
 * each file, before its imports) is restored after its last hook, then compared again (a file whose
 * change could not be undone fails, naming it); and every module but vitest's is evaluated anew for
 * the next file (vi.resetModules: src's module state, a helper's top-level hooks), as vitest does
 * itself between the files of one isolated worker. This saves each file a fork and a fresh import of
 * vitest (≈ 0.9 s of CPU per file, measured over 24 of them).
 */
import { afterAll, vi } from 'vitest'
import { differences, restore, snapshot } from '../helpers/process-state.js'

const before = snapshot()

// registered before the file's own hooks (setup files run before the file): runs after them (afterAll hooks run last registered first)
afterAll(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
  vi.unstubAllEnvs()
  vi.unstubAllGlobals()
  restore(before)
  vi.resetModules()
  const left = differences(before, snapshot())
  if (left.length) throw new Error(`[unperf tests] this file's changes of its process could not be undone for the next file: ${left.join(', ')}`)
})
