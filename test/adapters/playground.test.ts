import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const repo = resolve(import.meta.dirname, '../..')
const built = existsSync(join(repo, 'dist/citty.mjs'))

function findReport(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) { const f = findReport(p); if (f) return f } else if (e.name === 'report.json') return p
  }
}

describe.skipIf(!built)('playground CLI (issue 3, part 1)', { timeout: 180_000 }, () => {
  const xdg = tempDir('unperf-playground-')
  const run = (...args: string[]) => {
    const p = spawnSync(process.execPath, [join(repo, 'playground/cli.mjs'), ...args], {
      encoding: 'utf8', timeout: 120_000, env: { ...process.env, XDG_CACHE_HOME: xdg, PERF_ENV: 'production', NODE_ENV: 'production' },
    })
    const report = JSON.parse(readFileSync(findReport(xdg)!, 'utf8')) as { commands: Array<{ name: string; status: string }>; cache: { hits: number; misses: number; namespaces: Record<string, { hits: number; misses: number; sets: number }> } }
    return { code: p.status, stdout: p.stdout, stderr: p.stderr, report }
  }

  it('hash: cached by the tree\'s files, recomputed when one changes', () => {
    const tree = tempDir('unperf-tree-')
    mkdirSync(join(tree, 'sub'))
    writeFileSync(join(tree, 'a.txt'), 'alpha '.repeat(1000))
    writeFileSync(join(tree, 'sub', 'b.txt'), 'beta '.repeat(1000))
    const first = run('hash', tree)
    expect(first.code, first.stderr).toBe(0)
    expect(first.report.commands).toMatchObject([{ name: 'hash', status: 'ok' }])
    expect(first.report.cache.namespaces.default).toMatchObject({ hits: 0, sets: 1 })
    const second = run('hash', tree)
    expect(second.stdout).toBe(first.stdout)
    expect(second.report.cache.namespaces.default).toMatchObject({ hits: 1, sets: 0 })
    writeFileSync(join(tree, 'sub', 'b.txt'), 'changed')
    const third = run('hash', tree)
    expect(third.stdout.split(' ')[0]).not.toBe(first.stdout.split(' ')[0])
    expect(third.report.cache.namespaces.default).toMatchObject({ hits: 0, sets: 1 })
  })

  it('info: the git-info plugin fills the shared namespace, --no-cache switches the cache off', () => {
    const r = run('info')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^git: \S+ [0-9a-f]{12}$/m)
    expect(run('info', '--no-cache').stdout).toMatch(/^cache: off/m)
  })
})
