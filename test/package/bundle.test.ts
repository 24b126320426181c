/**
 * A CLI author bundling their CLI (esbuild, rollup, tsup) with unperf inside: unperf reads its start
 * code and lazy parts from dist/_chunks/ at run time, which no bundler copies. That must fail at
 * once with what to do (mark unperf external), not an ENOENT on a path the author never wrote;
 * and the normal case, unperf external, must run.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'
import { beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'

const root = join(import.meta.dirname, '../..')
let project: string

beforeAll(() => {
  project = tempDir('unperf-bundle-')
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'bundled-cli', version: '1.0.0', type: 'module', private: true }))
  mkdirSync(join(project, 'node_modules'))
  symlinkSync(root, join(project, 'node_modules/unperf'), 'dir')
  // no top-level await: the same source bundles to CommonJS too
  writeFileSync(join(project, 'cli.ts'), [
    `import { createPerf, getPerf } from 'unperf'`,
    `import { withPerf } from 'unperf/citty'`,
    `void withPerf`,
    `createPerf({ overrides: { report: { console: false, dir: './.perf' } } })`,
    `  .then(perf => perf.run('hello', async () => getPerf().config.name))`,
    `  .then(name => { console.log('ran ' + name); return getPerf().close() })`,
  ].join('\n'))
})

async function bundle(format: 'esm' | 'cjs', external: string[] = []) {
  const outfile = join(project, 'out', `cli-${format}-${external.length}.${format === 'esm' ? 'mjs' : 'cjs'}`)
  const result = await build({ entryPoints: [join(project, 'cli.ts')], bundle: true, platform: 'node', format, outfile, external, logLevel: 'silent' })
  expect(result.errors).toEqual([])
  return { outfile, ...spawnSync(process.execPath, [outfile], { cwd: project, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(project, 'xdg') } }) }
}

describe('a host CLI bundled with unperf inside', () => {
  it('as an ES module: fails at start naming the bundle and the way out (mark unperf external)', async () => {
    const run = await bundle('esm')
    expect(run.status).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain(`[unperf] cannot find ${join(project, 'out/_chunks')}/index.start-`)
    expect(run.stderr).toContain(`it runs here from ${run.outfile}. If unperf was bundled into that file, mark unperf as external`)
    expect(run.stderr).toContain('esbuild --external:unperf')
    expect(run.stderr).toContain(`code: 'E_BUNDLED'`)
    expect(run.stderr).not.toMatch(/^Error: ENOENT/m)
  })

  it('as CommonJS (import.meta empty): fails the same way, not with "Invalid URL"', async () => {
    const run = await bundle('cjs')
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('[unperf] unperf was bundled into a CommonJS bundle (import.meta is empty there), and it cannot be bundled')
    expect(run.stderr).toContain('mark unperf as external')
    expect(run.stderr).not.toContain('Invalid URL')
  })

  it('with unperf external (the normal case): runs, as ESM and as CommonJS (require of unperf)', async () => {
    for (const format of ['esm', 'cjs'] as const) {
      const run = await bundle(format, ['unperf'])
      expect(run.stderr).toBe('')
      expect(run.stdout.trim()).toBe('ran bundled-cli')
      expect(run.status).toBe(0)
    }
  })
})

it('the entry files are plain text (no NUL byte: grep, diff and editors took dist/index.mjs for a binary file)', () => {
  for (const name of readdirSync(join(root, 'dist')).filter(n => n.endsWith('.mjs'))) {
    expect(readFileSync(join(root, 'dist', name)).includes(0), name).toBe(false)
  }
})
