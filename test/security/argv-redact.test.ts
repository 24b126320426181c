/**
 * Secrets on a command line never reach report.json, trace.json or history.jsonl: the forms a
 * CLI user types (flags, headers passed as arguments, tokens recognizable by their prefix).
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { redactArgv } from '../../src/runtime/warn.js'
import { tempDir } from '../helpers/tmp.js'

const ARGV = [
  'build', '--token=S01x', '--password', 'S02x', 'https://u:S03x@h', 'Authorization: token S04x', 'Authorization: Bearer S05x',
  '--pass', 'S06x', '--pw', 'S07x', '--secret-key', 'S08x', '--header=X-Api-Key: S09x', '-H', 'Cookie: sid=S10x',
  'X-Auth-Token:S11x', 'ghp_S12xabcdefghijklmnopqrstuvwxyz0123', '--x=glpat-S13xabcdefghijklmnop', 'redis://:S14x@h',
  // camelCase flags (yargs, commander), run-together env names, a camelCase header
  '--accessToken', 'S15x', '--githubToken=S16x', '--dbPassword', 'S17x', 'PGPASSWORD=S18x', 'MYSQL_PWD=S19x',
  'accessToken=S20x', 'X-AccessToken: S21x', '--secretKey', 'S22x',
]
const SECRETS = ARGV.flatMap(a => a.match(/S\d\dx/g) ?? [])

describe('argv secrets', () => {
  it('redactArgv masks flags, headers given as arguments and prefixed tokens, and keeps the rest', () => {
    const out = redactArgv(ARGV)
    for (const secret of SECRETS) expect(out.join(' '), secret).not.toContain(secret)
    expect(out).toContain('Authorization: ***')
    expect(out).toContain('--header=X-Api-Key: ***')
    expect(out).toContain('ghp_***')
    const plain = ['build', '--out', 'dist', 'src/a.ts', 'key: value', '--no-cache', 'C:\\x', 'sk-short', '--max-tokens', '100', '--tokenizer', 'bpe', '--author', 'me', 'monkey=1']
    expect(redactArgv(plain)).toEqual(plain)
  })

  it('none reaches report.json, trace.json or history.jsonl of a real run', () => {
    const dir = tempDir('unperf-argv-')
    const dist = new URL('../../dist/index.mjs', import.meta.url).href
    const script = `import { createPerf } from ${JSON.stringify(dist)}
      const perf = await createPerf({ cwd: ${JSON.stringify(dir)}, rootDir: ${JSON.stringify(dir)}, overrides: { name: 'av', report: { console: false, dir: 'r' } } })
      await perf.run('build', async () => {})
      await perf.close()`
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, '--', ...ARGV], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') }, timeout: 20_000 })
    expect(r.status, r.stderr).toBe(0)
    const files = readdirSync(join(dir, 'r'))
    expect(files).toEqual(expect.arrayContaining(['report.json', 'trace.json', 'history.jsonl']))
    const all = files.map(f => readFileSync(join(dir, 'r', f), 'utf8')).join('\n') + r.stdout + r.stderr
    for (const secret of SECRETS) expect(all, secret).not.toContain(secret)
    expect(JSON.parse(readFileSync(join(dir, 'r', 'report.json'), 'utf8')).argv).toContain('Authorization: ***')
  })
})
