/**
 * A signal sent to unperf's own pid (`kill -INT <pid>` from a CI runner, a supervisor's SIGTERM), not
 * to the terminal's process group, while `unperf bench` or `unperf profile` runs a command: unperf
 * died and the command (`sh -c ...`, its node process) ran on to its end, orphaned (and profile's
 * temp dir, with the profile in it, stayed). Now the command's own process group gets the signal,
 * bench reports the commands completed before it and exits 128 + n (130 for SIGINT), as hyperfine
 * leaves a benchmark stopped so; profile exits as the command did.
 */
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { bin } from '../helpers/unperf-cli.js'

/** `unperf ...args` started in the background: sends `signal` once `ready` exists in `dir`, resolves with how it ended. */
function interrupted(dir: string, ready: string, signal: NodeJS.Signals, args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [bin, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(dir, '.xdg'), ...env } })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d })
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
  const poll = setInterval(() => {
    if (existsSync(join(dir, ready))) { clearInterval(poll); child.kill(signal) }
  }, 20)
  return new Promise<{ code: number | null; stdout: string; stderr: string }>(resolve => {
    child.on('close', code => { clearInterval(poll); resolve({ code, stdout, stderr }) })
  })
}

/** Whether the process is gone (a zombie no reaper collected counts as gone: it runs nothing). */
async function goneWithin(pid: number, ms: number): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; await new Promise(r => setTimeout(r, 50))) {
    let state: string
    try { state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0]! } catch { return true }
    if (state === 'Z') return true
  }
  return false
}

const pidIn = (dir: string, file: string) => Number(readFileSync(join(dir, file), 'utf8').trim())

describe('a stop signal sent to unperf while it runs a command', { timeout: 120_000 }, () => {
  it('bench: SIGINT ends the running command and its children, reports what completed, exits 130', async () => {
    const dir = tempDir('unperf-bench-sigint-')
    // a foreground sleep, and a background one (a non-interactive shell's background jobs ignore SIGINT)
    const slow = 'sleep 30 & echo $! > bg.pid; sleep 30 & echo $! > fg.pid; wait; echo ran >> finished'
    const r = await interrupted(dir, 'fg.pid', 'SIGINT', ['bench', '--runs', '2', '--warmup', '0', '--export-json', 'out.json', '--save-baseline', 'base.json', 'true', slow])
    expect(r.code, r.stderr).toBe(130)
    expect(await goneWithin(pidIn(dir, 'fg.pid'), 5000)).toBe(true)
    expect(await goneWithin(pidIn(dir, 'bg.pid'), 5000)).toBe(true)
    expect(existsSync(join(dir, 'finished'))).toBe(false)
    // the command completed before it, as hyperfine leaves it: printed and exported, not saved as a baseline
    expect(r.stdout).toContain('Benchmark: true')
    expect(r.stdout).not.toContain('sleep 30')
    expect(r.stderr).toContain(`[unperf] bench: interrupted by SIGINT in run 1 of '${slow}': the benchmark stopped`)
    expect(r.stderr).toContain('1 command had completed: its results are kept')
    expect(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).results.map((x: { command: string }) => x.command)).toEqual(['true'])
    expect(existsSync(join(dir, 'base.json'))).toBe(false)
  })

  it('bench --json: SIGTERM in a --prepare command that ignores it: SIGKILL after a grace period, exit 143, the error beside the results', async () => {
    const dir = tempDir('unperf-bench-sigterm-')
    const prepare = "trap '' INT TERM; sleep 30 & echo $! > prep.pid; wait; echo ran >> finished"
    const r = await interrupted(dir, 'prep.pid', 'SIGTERM', ['bench', '--json', '--runs', '2', '--prepare', prepare, 'true'])
    expect(r.code, r.stderr).toBe(143)
    expect(await goneWithin(pidIn(dir, 'prep.pid'), 5000)).toBe(true)
    expect(existsSync(join(dir, 'finished'))).toBe(false)
    const json = JSON.parse(r.stdout)
    expect(json.results).toEqual([])
    expect(json.error).toMatchObject({ name: 'BenchInterruptedError', code: 'E_INTERRUPTED' })
    expect(json.error.message).toContain("interrupted by SIGTERM in the --prepare command of 'true'")
    expect(json.error.message).toContain('no command had completed')
  })

  it('profile: SIGTERM reaches the node process under a wrapper; unperf exits as the command did and leaves no temp dir', async () => {
    const dir = tempDir('unperf-profile-sigterm-')
    const tmp = tempDir('unperf-profile-tmp-')
    const program = "require('node:fs').writeFileSync('node.pid', String(process.pid)); setInterval(() => {}, 1000)"
    const r = await interrupted(dir, 'node.pid', 'SIGTERM', ['profile', '--json', '--', 'sh', '-c', `${JSON.stringify(process.execPath)} -e ${JSON.stringify(program)}; echo ran >> finished`], { TMPDIR: tmp })
    expect(r.code, r.stderr).toBe(143)
    expect(await goneWithin(pidIn(dir, 'node.pid'), 5000)).toBe(true)
    expect(existsSync(join(dir, 'finished'))).toBe(false)
    expect(JSON.parse(r.stdout).error).toMatchObject({ name: 'ProfileCommandError', code: 'E_NO_PROFILE' })
    expect(readdirSync(tmp)).toEqual([])
  })

  it('profile: a command that ignores SIGTERM is SIGKILLed after the grace; one writing its profile past the grace is waited for', async () => {
    const dir = tempDir('unperf-profile-grace-')
    const grace = { UNPERF_PROFILE_GRACE: '300' }
    writeFileSync(join(dir, 'deaf.cjs'), "process.on('SIGTERM', () => {}); require('node:fs').writeFileSync('deaf.pid', String(process.pid)); setInterval(() => {}, 1000)")
    const deaf = await interrupted(dir, 'deaf.pid', 'SIGTERM', ['profile', '--json', '--', process.execPath, 'deaf.cjs'], grace)
    // (it was never killed: unperf profile waited for it for ever)
    expect(deaf.code, deaf.stderr).toBe(128 + 9)
    expect(await goneWithin(pidIn(dir, 'deaf.pid'), 5000)).toBe(true)
    expect(JSON.parse(deaf.stdout).error).toMatchObject({ code: 'E_NO_PROFILE' })
    expect(deaf.stderr).toContain('ended (killed by SIGKILL: still running 300 ms after SIGTERM)')
    // ends on SIGTERM, its exit taking longer than the grace (as writing a large profile does): not cut.
    // A grace of 1 s here: the command must be past the start of its exit (its timing record written)
    // when the grace is over, which a loaded machine can delay past 300 ms; its exit takes 1.5 s more
    writeFileSync(join(dir, 'slow-exit.cjs'), `process.on('SIGTERM', () => process.exit(0))
process.on('exit', () => { const end = Date.now() + 2500; while (Date.now() < end); })
require('node:fs').writeFileSync('slow.pid', String(process.pid)); setInterval(() => {}, 1000)`)
    const slow = await interrupted(dir, 'slow.pid', 'SIGTERM', ['profile', '--json', '--', process.execPath, 'slow-exit.cjs'], { UNPERF_PROFILE_GRACE: '1000' })
    expect(slow.code, slow.stderr).toBe(0)
    expect(existsSync(JSON.parse(slow.stdout).profile)).toBe(true)
  })
})
