/**
 * `unperf cache stats` of a run that ran many commands (a service timing each request with
 * perf.run()): its row names each command once with its count, within a terminal's width, where it
 * listed every run's name (785 names, an 11 812-column line found by hand, padding every other
 * row to that width). `--json` keeps every run's name. Real child processes in a temp project.
 */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

/** A temp project (memory cache, no console summary) whose app.mjs runs `body` with `perf` created. */
function project(name: string, body: string): string {
  const dir = tempDir(`unperf-${name}-`)
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', type: 'module' }))
  writeFileSync(join(dir, 'perf.config.json'), JSON.stringify({ cache: { driver: 'memory' }, report: { console: false } }))
  writeFileSync(join(dir, 'app.mjs'), `import { createPerf } from ${JSON.stringify(dist)}\nconst perf = await createPerf()\n${body}\nawait perf.close()\n`)
  return dir
}

it('a run of many commands is one short row: each name once, with its count', () => {
  const dir = project('stats-many', `
    const names = process.argv.slice(2)
    for (let i = 0; i < 300; i++) {
      const name = names[i % names.length]
      await perf.run(name, () => perf.cache.wrap('k' + (i % 7), async () => i))
    }`)
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
  const dir = project('stats-distinct', `
    for (let i = 0; i < 40; i++) await perf.run('route-number-' + i, () => perf.cache.wrap('k', async () => i))`)
  const run = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
  expect(run.status, run.stderr).toBe(0)
  const text = unperf(dir, 'cache', 'stats')
  expect(text.code, text.stderr).toBe(0)
  for (const line of text.stdout.trimEnd().split('\n')) expect(line.length, line).toBeLessThan(120)
  expect(text.stdout).toMatch(/route-number-0, route-number-1, .*, \+\d+ more {2,}/)
})
