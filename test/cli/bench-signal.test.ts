/**
 * `unperf bench` says a command killed by a signal was killed, and by which: it said "exited with
 * code 137" (the status the shell reports for it), or nothing of the signal in --json. Now
 * "killed by SIGKILL", hyperfine's "terminated by a signal" with the signal named: in the stop
 * message, the --ignore-failure warning, and --json (`signal` beside `exitCode` in the error,
 * `signals` beside `exit_codes` in the results).
 */
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

describe('unperf bench: a command killed by a signal', () => {
  it("stops the benchmark saying 'killed by SIGKILL', with signal and exitCode in --json (the shell killed, or the command under it)", () => {
    const dir = tempDir('unperf-bench-signal-')
    // `kill -9 $$` kills the shell that runs the command; `sh -c 'kill -9 $$'` a command under it
    for (const command of ['kill -9 $$', "sh -c 'kill -9 $$'"]) {
      const r = unperf(dir, 'bench', '--runs', '2', '--warmup', '0', '--json', command)
      expect(r.code).toBe(1)
      expect(r.json().error).toMatchObject({ code: 'E_BENCH_COMMAND_FAILED', exitCode: 137, signal: 'SIGKILL' })
      expect(r.json().error.message).toContain(`'${command}' was killed by SIGKILL in run 1: the benchmark stopped`)
    }
    const text = unperf(dir, 'bench', '--runs', '2', '--warmup', '0', "sh -c 'kill -TERM $$'")
    expect(text.stderr).toContain("was killed by SIGTERM in run 1")
  })

  it('with --ignore-failure: the warning names the signal, and the results list each run\'s signal beside its exit code', () => {
    const dir = tempDir('unperf-bench-signal-ignored-')
    const r = unperf(dir, 'bench', '--runs', '2', '--warmup', '0', '--json', '--ignore-failure', "sh -c 'kill -9 $$'")
    expect(r.code).toBe(0)
    expect(r.json().results[0]).toMatchObject({ exit_codes: [137, 137], signals: ['SIGKILL', 'SIGKILL'] })
    expect(r.json().warnings).toContainEqual(expect.stringContaining("'sh -c 'kill -9 $$'' was killed by SIGKILL in 2 runs"))
    const plain = unperf(dir, 'bench', '--runs', '2', '--warmup', '0', '--json', '--ignore-failure', 'exit 3')
    expect(plain.json().results[0].signals).toBeUndefined()
  })
})
