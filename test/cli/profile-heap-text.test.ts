/**
 * `unperf profile --heap` text: like the CPU profile's, it says how the command ended (a heap
 * profile of a run that failed said nothing of it), and lists only sites that allocated: the
 * top 20 was padded with `0 B  (root)` and every caller on the way to an allocation; with --imports
 * (load times come from a CPU profile) it is bad usage.
 */
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

describe('unperf profile --heap', () => {
  it('names the exit code and lists no site that allocated nothing', () => {
    const dir = tempDir('unperf-profile-heap-')
    writeFileSync(join(dir, 'alloc.mjs'), 'globalThis.kept = []; for (let i = 0; i < 1e5; i++) globalThis.kept.push({ i }); process.exitCode = 3')
    const r = unperf(dir, 'profile', '--heap', '--', process.execPath, 'alloc.mjs')
    expect(r.code, r.stderr).toBe(3) // the command's exit code (profile-exit-code.test.ts)
    expect(r.stdout).toMatch(/alloc\.mjs: \S+ \S+ wall, exit 3/)
    const rows = r.stdout.split('Top allocation sites\n')[1]!.split('\n\n')[0]!.split('\n').slice(1)
    expect(rows.length).toBeGreaterThan(0)
    for (const row of rows) expect(row, row).not.toMatch(/^0 B /)
    expect(rows[0]).toMatch(/alloc\.mjs:1/)
  })

  it('with --imports is bad usage (exit 2) before anything runs: the load times come from a CPU profile (--imports was ignored)', () => {
    const dir = tempDir('unperf-profile-heap-imports-')
    writeFileSync(join(dir, 'touch.mjs'), "import { existsSync, writeFileSync } from 'node:fs'; writeFileSync('ran', '')")
    const r = unperf(dir, 'profile', '--heap', '--imports', '--json', '--', process.execPath, 'touch.mjs')
    expect(r.code, r.stderr).toBe(2)
    expect(r.json().error).toMatchObject({ name: 'UsageError', message: expect.stringContaining('--imports reads module load times from a CPU profile, which --heap does not record') })
    expect(existsSync(join(dir, 'ran'))).toBe(false)
  })
})
