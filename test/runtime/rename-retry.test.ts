/**
 * The atomic writes' rename on Windows (rename-retry.ts): an antivirus or the indexer holding a file
 * makes a rename fail for a few ms with EPERM, EBUSY or EACCES; it is retried for up to ≈ 1 s, any
 * other error thrown at once. The failures are injected in front of a real rename in a temp dir;
 * and in a real process whose report is written at close as on Windows (process.platform 'win32'
 * once its config is loaded: node's own path handling stays POSIX) while every temp file's first
 * two renames fail with EBUSY.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { rename } from 'node:fs/promises'
import { join, resolve } from 'node:path'
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

describe('the report written at close while a scanner holds its temp files (a real process)', { timeout: 30_000 }, () => {
  const dist = join(resolve(import.meta.dirname, '../..'), 'dist/index.mjs')

  function closeWithBusyRenames(asWindows: boolean) {
    const dir = tempDir('unperf-rename-busy-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'busy-cli', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ cache: { driver: 'memory' }, report: { console: false, dir: './.perf' } }))
    writeFileSync(join(dir, 'busy.cjs'), `
      const fs = require('node:fs')
      const tries = new Map()
      const real = fs.renameSync
      fs.renameSync = (from, to) => {
        const n = (tries.get(from) ?? 0) + 1
        tries.set(from, n)
        if (String(from).endsWith('.tmp') && n <= 2) throw Object.assign(new Error('EBUSY: resource busy or locked, rename'), { code: 'EBUSY', syscall: 'rename' })
        return real(from, to)
      }
      require('node:module').syncBuiltinESMExports()`)
    writeFileSync(join(dir, 'main.mjs'), `
      import { createPerf } from ${JSON.stringify(dist)}
      const perf = await createPerf()
      await perf.run('build', async () => {})
      ${asWindows ? "Object.defineProperty(process, 'platform', { value: 'win32' })" : ''}
      await perf.close()`)
    const r = spawnSync(process.execPath, ['--require', './busy.cjs', 'main.mjs'], { cwd: dir, encoding: 'utf8' })
    return { ...r, files: readdirSync(join(dir, '.perf')) }
  }

  it('on Windows: retried, report.json written, no warning, no temp file left', () => {
    const r = closeWithBusyRenames(true)
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).not.toContain('EBUSY')
    expect(r.files).toContain('report.json')
    expect(r.files.filter(f => f.endsWith('.tmp'))).toEqual([])
  })

  it('elsewhere EBUSY is an answer: thrown at once, the report not written (warned)', () => {
    const r = closeWithBusyRenames(false)
    expect(r.stderr).toContain('the report could not be written')
    expect(r.stderr).toContain('EBUSY')
    expect(r.files).not.toContain('report.json')
  })
})
