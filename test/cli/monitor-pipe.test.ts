/**
 * `unperf monitor | head -n 1`: when the reader of its stdout goes away, monitor stops quietly
 * (exit 0) instead of dying on an unhandled EPIPE with a stack trace; --count takes whole numbers.
 */
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const bin = join(import.meta.dirname, '../../bin/unperf.mjs')

describe('unperf monitor in a pipe', () => {
  it('exits 0 without an error once the reader closes the pipe', async () => {
    const dir = tempDir('unperf-monitor-pipe-')
    const child = spawn(process.execPath, [bin, 'monitor', '--interval', '100'], { cwd: dir, env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', d => { stderr += d })
    const [first] = await once(child.stdout, 'data') as [Buffer]
    expect(JSON.parse(first.toString().split('\n')[0]!).type).toBe('sample')
    child.stdout.destroy() // like `head -n 1` exiting
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    const [code, signal] = await once(child, 'exit') as [number | null, string | null]
    clearTimeout(timer)
    expect(signal).toBeNull()
    expect(code).toBe(0)
    expect(stderr).not.toContain('EPIPE')
  }, 30_000)

  it('--count must be a whole number', () => {
    const dir = tempDir('unperf-monitor-count-')
    const r = spawnSync(process.execPath, [bin, 'monitor', '--count', '1.5'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('--count expects a positive integer')
  })
})
