/**
 * `unperf profile` waits (up to a minute past the grace) before SIGKILLing a command whose process
 * is past its exit, writing its profile: the one its timing record names. It trusted the record's pid
 * while kill(pid, 0) said it lived, so a pid reused by another process once the profiled one ended
 * delayed the SIGKILL up to 60 s, and on macOS (no /proc) a zombie counted as alive. The record now
 * says when its process started; the pid counts only while it is still that process, running.
 * Real processes: the preload run by node, a stranger given the pid (simulated: the record renamed
 * to a live process's pid), a zombie left by a shell that does not reap its child.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { PRELOAD, PRELOAD_FILE, profileBeingWritten, sameProcessRunning } from '../../src/cli/commands/profile-processes.js'
import { tempDir } from '../helpers/tmp.js'

const started: ChildProcess[] = []
afterEach(() => { for (const c of started.splice(0)) c.kill('SIGKILL') })

/** A dir with the preload, as `unperf profile` makes it; the env that runs node's processes under it. */
function profileDir() {
  const dir = tempDir('unperf-profile-written-')
  writeFileSync(join(dir, PRELOAD_FILE), PRELOAD)
  const env = { ...process.env, UNPERF_PROFILE_DIR: dir, UNPERF_PROFILE_KIND: 'timing' }
  return { dir, env, args: (code: string) => ['--require', join(dir, PRELOAD_FILE), '-e', code] }
}
const timingFiles = (dir: string) => readdirSync(dir).filter(f => f.startsWith('timing.'))

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise(r => setTimeout(r, 20))
  if (!check()) throw new Error(`timed out waiting for ${what}`)
}

describe.skipIf(process.platform === 'win32')('profileBeingWritten: the timing record\'s process, not its pid', () => {
  it('a pid given to another process once the profiled one ended does not count (/proc and ps alike)', async () => {
    const { dir, env, args } = profileDir()
    expect(spawnSync(process.execPath, args('0'), { env }).status).toBe(0)
    const [file] = timingFiles(dir)
    const record = JSON.parse(readFileSync(join(dir, file!), 'utf8'))
    if (process.platform === 'linux') expect(record.startTicks).toMatch(/^\d+$/)
    expect(record.startMs).toBeLessThanOrEqual(Date.now())
    // the stranger: a process started after the profiled one ended, given its pid
    const stranger = spawn('sleep', ['30'], { stdio: 'ignore' })
    started.push(stranger)
    renameSync(join(dir, file!), join(dir, file!.replace(/\.\d+\.json$/, `.${stranger.pid}.json`)))
    expect(profileBeingWritten(dir)).toBe(false) // was true: SIGKILL held off for up to a minute
    // ps tells starts apart to the second: as if the profiled process had started 2 s before
    expect(sameProcessRunning(stranger.pid!, { startMs: record.startMs - 2000 }, false)).toBe(false)
  })

  it('the profiled process itself, past its exit, counts until it has ended (/proc and ps alike)', async () => {
    const { dir, env, args } = profileDir()
    const release = join(dir, 'release')
    // past its exit (the preload's timing record written), held there until the test lets it go
    const held = spawn(process.execPath, args(`process.on('exit', () => { const a = new Int32Array(new SharedArrayBuffer(4)); while (!require('fs').existsSync(${JSON.stringify(release)})) Atomics.wait(a, 0, 0, 20) })`), { env, stdio: 'ignore' })
    started.push(held)
    const ended = new Promise(r => held.once('exit', r))
    await until(() => timingFiles(dir).length === 1 && readFileSync(join(dir, timingFiles(dir)[0]!), 'utf8') !== '', 'the timing record')
    expect(profileBeingWritten(dir)).toBe(true)
    const record = JSON.parse(readFileSync(join(dir, timingFiles(dir)[0]!), 'utf8'))
    expect(sameProcessRunning(held.pid!, record, false)).toBe(true)
    writeFileSync(release, '')
    await ended
    expect(profileBeingWritten(dir)).toBe(false)
  })

  it('a zombie (ended, not reaped by its parent) does not count, by ps too (macOS has no /proc)', async () => {
    // sh starts a child that ends at once, then becomes sleep, which never reaps it
    const sh = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] })
    started.push(sh)
    const pid = Number(await new Promise<string>(r => sh.stdout!.once('data', d => r(String(d)))))
    await until(() => spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim().startsWith('Z'), 'the zombie')
    expect(sameProcessRunning(pid, {}, false)).toBe(false)
    expect(sameProcessRunning(pid, {})).toBe(false)
  })
})
