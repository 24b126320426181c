/**
 * `unperf bench --env NAME` and `unperf profile --env NAME` took the option every command takes
 * and did nothing with it: the benchmarked or profiled CLI ran in the shell's env, so its unperf
 * applied other `$env` blocks than the user asked for. They now run their commands (and bench's
 * --prepare) with `PERF_ENV=NAME`, the variable a host's unperf picks its env by. Real child processes.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

describe('--env of the commands that run other commands', () => {
  it('bench runs its commands and --prepare with PERF_ENV=NAME', () => {
    const dir = tempDir('unperf-bench-env-')
    const r = unperf(dir, 'bench', '--env', 'ci', '--runs', '1', '--warmup', '0', '--prepare', 'echo "prepare $PERF_ENV" >> seen.txt', 'echo "run $PERF_ENV" >> seen.txt', '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(readFileSync(join(dir, 'seen.txt'), 'utf8')).toBe('prepare ci\nrun ci\n')
  })

  it('profile runs its command with PERF_ENV=NAME', () => {
    const dir = tempDir('unperf-profile-env-')
    writeFileSync(join(dir, 'app.cjs'), `require('node:fs').writeFileSync('seen.txt', String(process.env.PERF_ENV))\n`)
    const r = unperf(dir, 'profile', '--env', 'staging', '--json', '--', process.execPath, 'app.cjs')
    expect(r.code, r.stderr).toBe(0)
    expect(readFileSync(join(dir, 'seen.txt'), 'utf8')).toBe('staging')
  })

  it('without --env the commands get the shell\'s PERF_ENV, unchanged', () => {
    const dir = tempDir('unperf-bench-env-')
    const r = unperf(dir, 'bench', '--runs', '1', '--warmup', '0', 'echo "run ${PERF_ENV-unset}" >> seen.txt', '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(readFileSync(join(dir, 'seen.txt'), 'utf8')).toBe(`run ${process.env.PERF_ENV ?? 'unset'}\n`)
  })
})
