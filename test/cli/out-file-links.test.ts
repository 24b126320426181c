/**
 * `report --html FILE` and `bench --export-json/--export-markdown FILE` write as a shell redirect
 * does (s31 audit: they followed the umask and any symlink at FILE, undecided): a new file gets the
 * umask's mode, an existing one is rewritten in place with its mode kept, the user's own symlink is
 * followed; a symlink another user made, or one into a directory another user owns, is refused
 * (exit 2, nothing written there). The real CLI; other users' links and dirs made with lchown/chown,
 * so those cases need root (CI's).
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, chownSync, existsSync, lchownSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { bin, unperf } from '../helpers/unperf-cli.js'

const OTHER = 54_321
const root = process.getuid?.() === 0

function project(): string {
  const dir = tempDir('unperf-out-links-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'out-links', version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ report: { dir: '.perf' } }))
  return dir
}

describe('an out file at a symlink', { timeout: 120_000 }, () => {
  it("the user's own link is followed, as `> FILE` would: the target written, the link left", () => {
    const dir = project()
    mkdirSync(join(dir, 'site'))
    symlinkSync(join(dir, 'site/report.html'), join(dir, 'report.html'))
    const r = unperf(dir, 'report', '--html', 'report.html')
    expect(r.code, r.stderr).toBe(0)
    expect(lstatSync(join(dir, 'report.html')).isSymbolicLink()).toBe(true)
    expect(readFileSync(join(dir, 'site/report.html'), 'utf8')).toContain('<h1>unperf report')
  })

  it.runIf(root)('a link another user made is refused, its target untouched', () => {
    const dir = project()
    writeFileSync(join(dir, 'mine.txt'), 'keep me')
    symlinkSync(join(dir, 'mine.txt'), join(dir, 'report.html'))
    lchownSync(join(dir, 'report.html'), OTHER, OTHER)
    const r = unperf(dir, 'report', '--html', 'report.html')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`--html ${join(dir, 'report.html')}: not written: it is a symlink another user (uid ${OTHER}) made; remove the link, or give the path you mean`)
    expect(readFileSync(join(dir, 'mine.txt'), 'utf8')).toBe('keep me')
  })

  it.runIf(root)("a link of the user's into a directory another user owns is refused: report --html and bench's exports, before any run", () => {
    const dir = project()
    const theirs = join(dir, 'theirs')
    mkdirSync(theirs)
    chownSync(theirs, OTHER, OTHER)
    symlinkSync(join(theirs, 'out.html'), join(dir, 'report.html'))
    const r = unperf(dir, 'report', '--html', 'report.html')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`it is a symlink to ${join(theirs, 'out.html')}, in a directory another user (uid ${OTHER}) owns`)
    expect(existsSync(join(theirs, 'out.html'))).toBe(false)
    symlinkSync(join(theirs, 'bench.md'), join(dir, 'bench.md'))
    const b = unperf(dir, 'bench', '--runs', '2', '--export-markdown', 'bench.md', 'node -e 0')
    expect(b.code).toBe(2)
    expect(b.stderr).toContain(`--export-markdown ${join(dir, 'bench.md')}: not written: it is a symlink to ${join(theirs, 'bench.md')}`)
    expect(existsSync(join(theirs, 'bench.md'))).toBe(false)
  })

  it('a new file follows the umask, an existing one keeps its mode (as a shell redirect)', () => {
    const dir = project()
    const run = (file: string) => spawnSync('sh', ['-c', `umask 077 && exec "${process.execPath}" "${bin}" report --html ${file}`], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(run('new.html').status).toBe(0)
    expect(statSync(join(dir, 'new.html')).mode & 0o777).toBe(0o600)
    writeFileSync(join(dir, 'shared.html'), '')
    chmodSync(join(dir, 'shared.html'), 0o644)
    expect(run('shared.html').status).toBe(0)
    expect(statSync(join(dir, 'shared.html')).mode & 0o777).toBe(0o644)
    expect(readFileSync(join(dir, 'shared.html'), 'utf8')).toContain('<h1>unperf report')
  })
})
