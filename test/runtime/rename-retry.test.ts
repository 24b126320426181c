/**
 * The atomic writes' rename on Windows (rename-retry.ts): an antivirus or the indexer holding a file
 * makes a rename fail for a few ms with EPERM, EBUSY or EACCES; it is retried for up to ≈ 1 s, any
 * other error thrown at once. The failures are injected in front of a real rename in a temp dir.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { rename } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { renameRetrying, renameRetryingSync, RETRY_FOR_MS } from '../../src/runtime/rename-retry.js'

const failure = (code: string) => Object.assign(new Error(`${code}: operation not permitted, rename`), { code, syscall: 'rename' })

/** A rename that fails `times` times with `code`, then renames for real; `calls` counts the tries. */
function flaky(code: string, times: number) {
  const state = { calls: 0 }
  const sync = (from: string, to: string) => {
    if (state.calls++ < times) throw failure(code)
    renameSync(from, to)
  }
  const async = async (from: string, to: string) => {
    if (state.calls++ < times) throw failure(code)
    await rename(from, to)
  }
  return { state, sync, async }
}

function files() {
  const dir = tempDir('unperf-rename-retry-')
  const from = join(dir, 'report.json.tmp')
  const to = join(dir, 'report.json')
  writeFileSync(from, 'new')
  writeFileSync(to, 'old')
  return { from, to }
}

describe('renameRetrying (Windows atomic writes)', () => {
  it.each(['EPERM', 'EBUSY', 'EACCES'])('%s for a few tries: retried, the file renamed over its target', async (code) => {
    const sync = files()
    const f = flaky(code, 3)
    renameRetryingSync(sync.from, sync.to, f.sync)
    expect(f.state.calls).toBe(4)
    expect(readFileSync(sync.to, 'utf8')).toBe('new')
    expect(existsSync(sync.from)).toBe(false)

    const later = files()
    const g = flaky(code, 3)
    await renameRetrying(later.from, later.to, g.async)
    expect(g.state.calls).toBe(4)
    expect(readFileSync(later.to, 'utf8')).toBe('new')
  })

  it('a file held for good: the error thrown after ≈ 1 s of tries, the target untouched', async () => {
    const { from, to } = files()
    const f = flaky('EBUSY', Infinity)
    const t0 = Date.now()
    expect(() => renameRetryingSync(from, to, f.sync)).toThrow(expect.objectContaining({ code: 'EBUSY' }))
    const took = Date.now() - t0
    expect(took).toBeGreaterThanOrEqual(RETRY_FOR_MS - 50)
    expect(took).toBeLessThan(RETRY_FOR_MS + 1500)
    expect(f.state.calls).toBeGreaterThan(5)
    expect(f.state.calls).toBeLessThan(30)
    expect(readFileSync(to, 'utf8')).toBe('old')

    const g = flaky('EPERM', Infinity)
    await expect(renameRetrying(from, to, g.async)).rejects.toMatchObject({ code: 'EPERM' })
    expect(g.state.calls).toBe(f.state.calls)
  })

  it('any other error thrown at once (ENOENT, EXDEV, ENOSPC)', async () => {
    for (const code of ['ENOENT', 'EXDEV', 'ENOSPC']) {
      const { from, to } = files()
      const f = flaky(code, 1)
      expect(() => renameRetryingSync(from, to, f.sync)).toThrow(expect.objectContaining({ code }))
      expect(f.state.calls).toBe(1)
      const g = flaky(code, 1)
      await expect(renameRetrying(from, to, g.async)).rejects.toMatchObject({ code })
      expect(g.state.calls).toBe(1)
    }
  })

  it('with the real rename: a missing source is ENOENT at once, a plain rename just happens', () => {
    const { from, to } = files()
    const t0 = Date.now()
    expect(() => renameRetryingSync(from + '.missing', to)).toThrow(expect.objectContaining({ code: 'ENOENT' }))
    expect(Date.now() - t0).toBeLessThan(100)
    renameRetryingSync(from, to)
    expect(readFileSync(to, 'utf8')).toBe('new')
  })
})
