/**
 * `monitors.prometheus.file` (node_exporter's textfile) found damaged or replaced: truncated, NUL
 * bytes, a directory, a FIFO or a symlink to another file in its place. The file is only written
 * (temp file + rename, never read): the text replaces what was there (a FIFO or a link replaced, never
 * opened nor written through), and a directory in its place is said once (the command's exit code
 * unchanged), never a hang. Real child processes on the built dist, real FIFOs and symlinks.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectWith } from '../helpers/project.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

const app = `import { createPerf } from ${JSON.stringify(dist)}
const perf = await createPerf({ cwd: process.cwd() })
await perf.run('work', () => new Promise(r => setTimeout(r, 150)))
await perf.close()`

function host() {
  const dir = projectWith(`export default { name: 'tf', cache: { driver: 'memory' }, report: { console: false, dir: './.perf' },
    monitors: { interval: '20ms', prometheus: { file: 'metrics.prom' } } }`, { 'app.mjs': app }, 'textfile-corrupt')
  const run = () => {
    const r = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL', env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(dir, '.xdg'), PERF_ENV: '', NODE_ENV: '' } })
    return { status: r.signal ? `killed (${r.signal}): hung` : r.status, stderr: r.stderr }
  }
  return { dir, file: join(dir, 'metrics.prom'), run }
}

/** A whole textfile: this run's metrics, ending with a newline, no NUL byte. */
function whole(text: string): boolean {
  return text.endsWith('\n') && !text.includes('\0') && /^tf_commands_total\{.*\} 1$/m.test(text)
}

describe.skipIf(process.platform === 'win32')('a damaged prometheus textfile', () => {
  it.each([
    ['truncated', (f: string) => writeFileSync(f, '# HELP tf_commands_total Comm')],
    ['NUL bytes', (f: string) => writeFileSync(f, Buffer.alloc(4096))],
    ['a FIFO', (f: string) => execFileSync('mkfifo', ['-m', '644', f])],
  ])('%s: replaced by a whole text', (_, damage) => {
    const h = host()
    damage(h.file)
    expect(h.run()).toEqual({ status: 0, stderr: '' })
    expect(lstatSync(h.file).isFile()).toBe(true)
    expect(whole(readFileSync(h.file, 'utf8'))).toBe(true)
    expect(readdirSync(h.dir).filter(n => n.endsWith('.tmp'))).toEqual([])
  })

  it('a symlink to another file: the link replaced, its target untouched', () => {
    const h = host()
    const victim = join(h.dir, 'victim.txt')
    writeFileSync(victim, 'keep me\n')
    symlinkSync(victim, h.file)
    expect(h.run()).toEqual({ status: 0, stderr: '' })
    expect(lstatSync(h.file).isFile()).toBe(true)
    expect(whole(readFileSync(h.file, 'utf8'))).toBe(true)
    expect(readFileSync(victim, 'utf8')).toBe('keep me\n')
  })

  it('a directory in its place: said once, the run otherwise as without it, no temp file left', () => {
    const h = host()
    mkdirSync(h.file)
    writeFileSync(join(h.file, 'inside'), 'x')
    const r = h.run()
    expect(r.status).toBe(0)
    expect(r.stderr.split('cannot write').length - 1, r.stderr).toBe(1)
    expect(r.stderr).toContain(h.file.slice(h.dir.length + 1))
    expect(readFileSync(join(h.file, 'inside'), 'utf8')).toBe('x')
    expect(readdirSync(h.dir).filter(n => n.endsWith('.tmp'))).toEqual([])
  })
})
