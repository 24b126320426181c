/**
 * `unperf cache stats` of a run that ran many commands (a service timing each request with
 * perf.run()): its row names each command once with its count, within a terminal's width, where it
 * listed every run's name (785 names, an 11 812-column line found by hand, padding every other
 * row to that width). `--json` keeps every run's name. Real child processes in a temp project.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { projectWith } from '../helpers/project.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

const CONFIG = `export default { cache: { driver: 'memory' }, report: { console: false } }`
/** app.mjs running `body` with `perf` created, then closing it. */
const app = (body: string) => `import { createPerf } from ${JSON.stringify(dist)}\nconst perf = await createPerf()\n${body}\nawait perf.close()\n`

it('a run of many commands is one short row: each name once, with its count', () => {
  const dir = projectWith(CONFIG, { 'app.mjs': app(`
    const names = process.argv.slice(2)
    for (let i = 0; i < 300; i++) {
      const name = names[i % names.length]
      await perf.run(name, () => perf.cache.wrap('k' + (i % 7), async () => i))
    }`) }, 'stats-many')
  const env = { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') }
  for (const names of [['build'], ['GET /users/:id', 'GET /users/:id', 'POST /users', 'DEL /u\x1b[2J']]) {
    const run = spawnSync(process.execPath, ['app.mjs', ...names], { cwd: dir, encoding: 'utf8', env })
    expect(run.status, run.stderr).toBe(0)
  }
  const text = unperf(dir, 'cache', 'stats')
  expect(text.code, text.stderr).toBe(0)
  const lines = text.stdout.trimEnd().split('\n')
  for (const line of lines) expect(line.length, line).toBeLessThan(120)
  expect(text.stdout).toMatch(/ {2}build ×300 {2,}/)
  expect(text.stdout).toContain('GET /users/:id ×150, POST /users ×75, DEL /u\\x1b[2J ×75')

  const json = unperf(dir, 'cache', 'stats', '--json').json() as { recent: Array<{ commands: string[] }> }
  expect(json.recent.map(r => r.commands.length)).toEqual([300, 300])
})

it('more distinct commands than fit: the first ones, then how many more', () => {
  const dir = projectWith(CONFIG, { 'app.mjs': app(`
    for (let i = 0; i < 40; i++) await perf.run('route-number-' + i, () => perf.cache.wrap('k', async () => i))`) }, 'stats-distinct')
  const run = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
  expect(run.status, run.stderr).toBe(0)
  const text = unperf(dir, 'cache', 'stats')
  expect(text.code, text.stderr).toBe(0)
  for (const line of text.stdout.trimEnd().split('\n')) expect(line.length, line).toBeLessThan(120)
  expect(text.stdout).toMatch(/route-number-0, route-number-1, .*, \+\d+ more {2,}/)
})
