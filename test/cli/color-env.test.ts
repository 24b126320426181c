/**
 * What colors unperf's output: FORCE_COLOR was ignored (colors only on a TTY), so `FORCE_COLOR=1
 * unperf cache info | less -R`, or a CI log that renders colors, got none. The usual conventions,
 * everywhere unperf colors (CLI tables, citty's usage and errors in the CLI, the exit summary,
 * warnings): NO_COLOR set and not empty wins; FORCE_COLOR=0/false: none; FORCE_COLOR ''/1/2/3/true:
 * colors even into a pipe; else a TTY decides (TERM=dumb: none). Real child processes, piped.
 */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useColor } from '../../src/runtime/color.js'
import { tempDir } from '../helpers/tmp.js'
import { bin } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')
const ANSI = /\x1b\[[0-9;]*m/

/**
 * The environment without the color variables of whoever runs the tests, plus `color`; without
 * vitest's TEST (and CI), for which citty leaves its usage plain: a user's shell.
 */
function envWith(dir: string, color: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg'), ...color }
  for (const name of ['NO_COLOR', 'FORCE_COLOR', 'TERM', 'TEST', 'VITEST', 'CI']) if (!(name in color)) delete env[name]
  return env
}

const CASES: Array<[string, Record<string, string>, boolean]> = [
  ['nothing set (a pipe)', {}, false],
  ['FORCE_COLOR=1', { FORCE_COLOR: '1' }, true],
  ['FORCE_COLOR=3', { FORCE_COLOR: '3' }, true],
  ['FORCE_COLOR=true', { FORCE_COLOR: 'true' }, true],
  ["FORCE_COLOR=''", { FORCE_COLOR: '' }, true],
  ['FORCE_COLOR=0', { FORCE_COLOR: '0' }, false],
  ['FORCE_COLOR=false', { FORCE_COLOR: 'false' }, false],
  ['NO_COLOR=1 wins over FORCE_COLOR=1', { NO_COLOR: '1', FORCE_COLOR: '1' }, false],
  ["NO_COLOR='' is not set", { NO_COLOR: '', FORCE_COLOR: '1' }, true],
]

describe('colors: NO_COLOR, FORCE_COLOR, a TTY', () => {
  it.each(CASES)('the unperf CLI (a table on stdout, the usage and error of a bad command on stderr): %s', (_, color, colored) => {
    const dir = tempDir('unperf-color-cli-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'color-cli' }))
    const info = spawnSync(process.execPath, [bin, 'cache', 'info'], { cwd: dir, encoding: 'utf8', env: envWith(dir, color) })
    expect(info.status, info.stderr).toBe(0)
    expect(ANSI.test(info.stdout)).toBe(colored)
    const bad = spawnSync(process.execPath, [bin, 'cache', 'get'], { cwd: dir, encoding: 'utf8', env: envWith(dir, color) })
    expect(bad.status).toBe(2)
    expect(ANSI.test(bad.stderr)).toBe(colored)
    // --json never: a document, not text for a terminal
    const json = spawnSync(process.execPath, [bin, 'cache', 'info', '--json'], { cwd: dir, encoding: 'utf8', env: envWith(dir, color) })
    expect(ANSI.test(json.stdout)).toBe(false)
  })

  it.each(CASES)("a host's exit summary and unperf's warnings on stderr: %s", (_, color, colored) => {
    const dir = tempDir('unperf-color-host-')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'color-host', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ cache: { driver: 'memory' }, report: { console: 'summary', dir: join(dir, 'reports') }, plugins: ['./failing.mjs'] }))
    writeFileSync(join(dir, 'failing.mjs'), `export default { name: 'failing', hooks: { 'command:before': () => { throw new Error('boom') } } }\n`)
    writeFileSync(join(dir, 'app.mjs'), `
      import { createPerf } from ${JSON.stringify(dist)}
      const perf = await createPerf()
      await perf.run('build', async () => {})
      await perf.close()`)
    const r = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: envWith(dir, color) })
    expect(r.status, r.stderr).toBe(0)
    const warning = r.stderr.split('\n').find(l => l.includes("plugin 'failing'"))!
    expect(warning, r.stderr).toBeDefined()
    expect(ANSI.test(warning)).toBe(colored)
    const summary = r.stderr.slice(r.stderr.indexOf('unperf · color-host'))
    expect(summary.length).toBeGreaterThan(0)
    expect(ANSI.test(summary)).toBe(colored)
  })

  it('on a TTY: colors unless NO_COLOR, FORCE_COLOR=0 or TERM=dumb', () => {
    const saved = { NO_COLOR: process.env.NO_COLOR, FORCE_COLOR: process.env.FORCE_COLOR, TERM: process.env.TERM }
    const set = (env: Record<string, string | undefined>) => {
      for (const name of ['NO_COLOR', 'FORCE_COLOR', 'TERM'] as const) {
        if (env[name] === undefined) delete process.env[name]
        else process.env[name] = env[name]
      }
    }
    try {
      const tty = { isTTY: true }
      set({ TERM: 'xterm-256color' })
      expect(useColor(tty)).toBe(true)
      expect(useColor({})).toBe(false)
      set({ TERM: 'dumb' })
      expect(useColor(tty)).toBe(false)
      set({ TERM: 'dumb', FORCE_COLOR: '1' })
      expect(useColor(tty)).toBe(true)
      set({ TERM: 'xterm', NO_COLOR: '1' })
      expect(useColor(tty)).toBe(false)
      set({ TERM: 'xterm', FORCE_COLOR: '0' })
      expect(useColor(tty)).toBe(false)
      // a value none of the conventions gives: ignored, the TTY decides
      set({ TERM: 'xterm', FORCE_COLOR: 'always' })
      expect(useColor(tty)).toBe(true)
      expect(useColor({ isTTY: false })).toBe(false)
    } finally {
      set(saved)
    }
  })
})
