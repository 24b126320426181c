/**
 * unperf/citty's runMain: citty colors its usage and the names in its errors (`Unknown command
 * \x1b[36mnope\x1b[39m`) unless NO_COLOR=1, TERM=dumb, TEST or CI, so `host --help | less`, `host
 * nope 2> log` got escape codes. Its runMain keeps citty's colors only where unperf colors (NO_COLOR,
 * FORCE_COLOR, a TTY: runtime/color.ts). citty's own runMain cannot be reached (its colors are
 * decided inside citty, at import): the host uses unperf/citty's runMain for this.
 */
import { spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const repo = resolve(import.meta.dirname, '../..')
const built = existsSync(join(repo, 'dist/citty.mjs'))
const dist = join(import.meta.dirname, `.dist-colors-${process.pid}`)
beforeAll(() => { if (built) cpSync(join(repo, 'dist'), dist, { recursive: true }) })
afterAll(() => rmSync(dist, { recursive: true, force: true }))
const ANSI = /\x1b\[[0-9;]*m/

describe.skipIf(!built)('unperf/citty runMain: citty\'s colors', { timeout: 120_000 }, () => {
  it('plain into a pipe, colored with FORCE_COLOR, plain with NO_COLOR', () => {
    const dir = tempDir('unperf-citty-colors-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'color-host', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ cache: { dir: join(dir, 'cache') }, report: { dir: join(dir, 'reports'), console: false } }))
    mkdirSync(join(dir, 'bin'))
    copyFileSync(join(import.meta.dirname, 'fixtures/citty-cli.mjs'), join(dir, 'bin/cli.mjs'))
    const run = (args: string[], color: Record<string, string>) => {
      // a user's shell: none of vitest's TEST, no CI (citty leaves its text plain for those)
      const env: NodeJS.ProcessEnv = { ...process.env, UNPERF_REPO: repo, UNPERF_DIST: dist, XDG_CACHE_HOME: join(dir, 'xdg'), PERF_ENV: 'production', NODE_ENV: '', ...color }
      for (const name of ['NO_COLOR', 'FORCE_COLOR', 'TEST', 'VITEST', 'CI', 'TERM']) if (!(name in color)) delete env[name]
      return spawnSync(process.execPath, [join(dir, 'bin/cli.mjs'), ...args], { cwd: dir, encoding: 'utf8', env, timeout: 60_000 })
    }
    for (const [color, colored] of [[{}, false], [{ FORCE_COLOR: '1' }, true], [{ NO_COLOR: '1', FORCE_COLOR: '1' }, false], [{ NO_COLOR: 'true' }, false]] as const) {
      const label = JSON.stringify(color)
      const help = run(['--help'], color)
      expect(help.status, help.stderr).toBe(0)
      expect(help.stdout, label).toContain('USAGE')
      expect(ANSI.test(help.stdout), label).toBe(colored)
      const unknown = run(['nope'], color)
      expect(unknown.status, label).toBe(2)
      expect(unknown.stderr, label).toContain('Unknown command')
      expect(ANSI.test(unknown.stderr), label).toBe(colored)
      expect(ANSI.test(unknown.stdout), label).toBe(colored)
    }
  })
})
