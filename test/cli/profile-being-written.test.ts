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
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
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
    // sh starts a child, then becomes sleep, which never reaps it; the child ends only once its parent
    // is sleep (it ended at once before: under load sh could reap it before its exec, and no zombie came)
    const child = `while [ "$(ps -o comm= -p $PPID)" != sleep ]; do sleep 0.02; done`
    const sh = spawn('sh', ['-c', `sh -c '${child}' & echo $!; exec sleep 30`], { stdio: ['ignore', 'pipe', 'ignore'] })
    started.push(sh)
    const pid = Number(await new Promise<string>(r => sh.stdout!.once('data', d => r(String(d)))))
    await until(() => spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim().startsWith('Z'), 'the zombie')
    expect(sameProcessRunning(pid, {}, false)).toBe(false)
    expect(sameProcessRunning(pid, {})).toBe(false)
  })
})

/**
 * The poll `unperf profile` runs every 250 ms while a command is past its grace: kill(pid, 0) for each
 * record first (a record of an ended process is not read), then, without /proc (macOS; forced here
 * by `proc: false`), one `ps` for all the pids still alive. It read every record, then ran a `ps`
 * for each live pid. `ps` is the system's, run through a script that counts its runs.
 */
describe.skipIf(process.platform === 'win32')('profileBeingWritten polls cheaply', () => {
  /** Runs `fn` with a `ps` first on PATH that logs each run, then runs the real one; returns how many runs. */
  function countPs(fn: () => void): number {
    const bin = tempDir('unperf-ps-count-')
    const log = join(bin, 'runs.log')
    const real = spawnSync('sh', ['-c', 'command -v ps'], { encoding: 'utf8' }).stdout.trim()
    writeFileSync(join(bin, 'ps'), `#!/bin/sh\necho run >> '${log}'\nexec '${real}' "$@"\n`)
    chmodSync(join(bin, 'ps'), 0o755)
    const path = process.env.PATH
    process.env.PATH = `${bin}:${path}`
    try { fn() } finally { process.env.PATH = path }
    return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0
  }

  it('without /proc: one ps for every live pid of the records, each pid told apart in its output', () => {
    const dir = tempDir('unperf-profile-poll-')
    const sleeps = [0, 1, 2].map(() => spawn('sleep', ['30'], { stdio: 'ignore' }))
    started.push(...sleeps)
    // three strangers: each started after the profiled process its record stands for
    for (const [i, p] of sleeps.entries()) writeFileSync(join(dir, `timing.${i}.${p.pid}.json`), JSON.stringify({ startMs: Date.now() - 60_000 }))
    let writing = true
    expect(countPs(() => { writing = profileBeingWritten(dir, false) })).toBe(1) // was 3: one per record
    expect(writing).toBe(false)
    // the last one is the profiled process itself (started before its record says: within the second)
    writeFileSync(join(dir, `timing.2.${sleeps[2]!.pid}.json`), JSON.stringify({ startMs: Date.now() + 60_000 }))
    expect(countPs(() => { writing = profileBeingWritten(dir, false) })).toBe(1)
    expect(writing).toBe(true)
  })

  it("the record of a process that has ended is not read, and no ps is run for it", async () => {
    const dir = tempDir('unperf-profile-poll-')
    const gone = spawnSync(process.execPath, ['-e', '0']).pid
    // its record a FIFO: opening it to read lets the writer's open return, which then leaves a marker
    // before it exits (so a reader gets EOF only after the marker is there)
    const record = join(dir, `timing.1.${gone}.json`)
    expect(spawnSync('mkfifo', [record]).status).toBe(0)
    const marker = join(dir, 'opened')
    const writer = spawn('sh', ['-c', `exec 3>'${record}'; printf '{}' >&3; : > '${marker}'`], { stdio: 'ignore' })
    started.push(writer)
    let writing = true
    expect(countPs(() => { writing = profileBeingWritten(dir, false) })).toBe(0)
    expect(writing).toBe(false)
    expect(existsSync(marker)).toBe(false) // was there: the record was read before kill(pid, 0)
    mkdirSync(join(dir, 'empty'))
    expect(profileBeingWritten(join(dir, 'empty'), false)).toBe(false)
  })
})
