/**
 * `unperf init` never leaves two perf.config files: c12 loads one, so a perf.config.ts written
 * beside a perf.config.json (or .yaml, .js, one under .config/) would silently replace it or be
 * ignored. It refuses (exit 2) and names the file, --force or not.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'


function project(pkg: Record<string, unknown> = {}): string {
  const dir = tempDir('unperf-init-')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'init-fixture', version: '1.0.0', type: 'module', ...pkg }))
  return dir
}

describe('unperf init beside an existing config', () => {
  it('refuses, with or without --force, when another perf.config exists; the existing config stays in effect', () => {
    for (const file of ['perf.config.json', 'perf.config.js', '.config/perf.config.yaml']) {
      const dir = project()
      mkdirSync(join(dir, '.config'))
      writeFileSync(join(dir, file), file.endsWith('.js') ? `export default { budgets: { mode: 'error' } }` : file.endsWith('.json') ? '{ "budgets": { "mode": "error" } }' : 'budgets:\n  mode: error\n')
      for (const args of [[], ['--force']]) {
        const r = unperf(dir, 'init', ...args, '--json')
        expect(r.code, `${file} ${args.join(' ')}`).toBe(2)
        expect(r.json().error.message).toContain(join(dir, file))
        expect(existsSync(join(dir, 'perf.config.ts')), file).toBe(false)
      }
      expect(unperf(dir, 'config', '--json').json().config.budgets.mode, file).toBe('error')
    }
  })

  it('overwrites its own perf.config.ts with --force only, and says when .perfrc or package.json#perf also configure unperf', () => {
    const dir = project({ perf: { cache: { ttl: '5m' } } })
    const first = unperf(dir, 'init')
    expect(first.code).toBe(0)
    expect(first.stderr).toContain(`package.json's "perf" key also configures unperf`)
    writeFileSync(join(dir, 'perf.config.ts'), '// edited\nexport default {}\n')
    const again = unperf(dir, 'init')
    expect(again.code).toBe(2)
    expect(again.stderr).toContain('use --force')
    expect(readFileSync(join(dir, 'perf.config.ts'), 'utf8')).toContain('// edited')
    expect(unperf(dir, 'init', '--force').code).toBe(0)
    expect(readFileSync(join(dir, 'perf.config.ts'), 'utf8')).toContain('definePerfConfig')
  })

  it('a file it cannot write is named as report --html names one, exit 2 (it was a raw EISDIR/EACCES, exit 1)', () => {
    const dir = project()
    mkdirSync(join(dir, 'perf.config.ts'))
    const r = unperf(dir, 'init', '--force', '--json')
    expect(r.code).toBe(2)
    expect(r.json().error).toEqual({ name: 'UsageError', code: 'E_USAGE', message: `unperf init: ${join(dir, 'perf.config.ts')}: cannot be written: it is a directory (a file path is expected)` })
    expect(r.stderr).toContain('[unperf] unperf init: ')
    expect(r.stderr).not.toMatch(/EISDIR|\n\s+at /)
  })
})
