/**
 * Names from stores others can write to reach the terminal: cache keys and namespaces (a shared
 * Redis, a plugin's own), command names (a shared history, `perf.run(\`GET ${url}\`)` with user
 * input). Printed raw by `unperf cache list`, `unperf report` or `unperf budget`, an ESC sequence in
 * one cleared the screen, set the window title or wrote the clipboard (OSC 52), and a `\r` made a
 * line read as another. They are shown with their control characters escaped (`\x1b`); --json is
 * JSON-escaped. Real child processes on the built package, NO_COLOR: no ESC byte of unperf's own.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')
const COMMAND = 'deploy\x1b]0;owned\x07\x1b[2J\rok'
const KEY = 'k\x1b]52;c;ZXZpbA==\x07\u202eevil'

describe('control characters in names shown by the unperf CLI', { timeout: 120_000 }, () => {
  it('cache list, report and budget escape them; nothing reaches the terminal raw', () => {
    const dir = tempDir('unperf-esc-')
    mkdirSync(join(dir, 'node_modules'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'esc', version: '1.0.0', type: 'module' }))
    writeFileSync(join(dir, 'perf.config.mjs'), `export default { report: { console: false }, budgets: { commands: { ${JSON.stringify(COMMAND)}: { duration: 1 } } } }`)
    writeFileSync(join(dir, 'app.mjs'), `import { createPerf } from ${JSON.stringify(dist)}
const perf = await createPerf()
await perf.run(${JSON.stringify(COMMAND)}, async () => {
  await perf.cache.namespace('ns\\x1b[31m').set(${JSON.stringify(KEY)}, 1)
  await new Promise(r => setTimeout(r, 5))
})
await perf.close()`)
    const app = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(app.status, app.stderr).toBe(0)
    // its history as after a cold first run and 7 warm ones: `unperf report` notes the run left out of the median, by the command's name
    const reports = join(dir, '.xdg', 'esc', 'reports')
    const history = join(reports, readdirSync(reports)[0]!, 'history.jsonl')
    const run = JSON.parse(readFileSync(history, 'utf8')) as { time: string; commands: { duration: number }[] }
    const durations = [5000, 10, 11, 10, 12, 10, 11, 10]
    writeFileSync(history, durations.map((duration, i) => `${JSON.stringify({ ...run, runId: `run-${i}`, time: new Date(Date.parse(run.time) - (durations.length - i) * 1000).toISOString(), commands: run.commands.map(c => ({ ...c, duration })) })}\n`).join(''))
    for (const args of [['cache', 'list'], ['report'], ['budget']]) {
      const r = unperf(dir, ...args)
      expect(r.stdout + r.stderr, args.join(' ')).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202e]/)
      expect(r.stdout, args.join(' ')).toContain(args[0] === 'cache' ? 'k\\x1b]52;c;ZXZpbA==\\x07\\u202eevil' : 'deploy\\x1b]0;owned\\x07\\x1b[2J\\rok')
      if (args[0] === 'report') expect(r.stdout).toContain('median and trend of deploy\\x1b]0;owned\\x07\\x1b[2J\\rok: its first run left out')
    }
    expect(unperf(dir, 'cache', 'list').stdout).toContain('ns\\x1b[31m')
    expect(unperf(dir, 'cache', 'list', '--json').json()).toEqual([expect.objectContaining({ namespace: 'ns\x1b[31m', key: KEY })])
  })
})
