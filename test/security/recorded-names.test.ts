/**
 * Credentials in what a host names its commands and spans (`perf.run(\`deploy ${token}\`)`,
 * `perf.span(\`GET ${url}\`)` with a password or a token in the url) and in error messages never
 * reach report.json, trace.json, history.jsonl, the console summary or the Prometheus textfile.
 * A real child process on the built package.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { redact } from '../../src/runtime/warn.js'
import { tempDir } from '../helpers/tmp.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')
const SECRETS = ['ghp_abcdefabcdefabcdefabcdefabcdef12', 'hunter2', 'abc123secret', 'npm_abcdefabcdefabcdefabcdefabcdefabcd', 'SECRETKEY123']

describe('credentials in command and span names', () => {
  it('are redacted in every file and output a run writes', () => {
    const cwd = tempDir('unperf-names-')
    writeFileSync(join(cwd, 'package.json'), JSON.stringify({ name: 'acme', version: '1.0.0', type: 'module' }))
    writeFileSync(join(cwd, 'perf.config.mjs'), `export default { report: { console: 'verbose', dir: './.perf' }, cache: { driver: 'memory' }, monitors: { prometheus: { file: 'metrics.prom' } } }`)
    writeFileSync(join(cwd, 'run.mjs'), `import { createPerf } from ${JSON.stringify(dist)}
const perf = await createPerf({ cwd: process.cwd() })
await perf.run('deploy ghp_abcdefabcdefabcdefabcdefabcdef12', async () => {
  await perf.span('GET https://user:hunter2@example.com/a?token=abc123secret', async () => {})
})
await perf.run('publish', async () => { throw new Error('npm rejected npm_abcdefabcdefabcdefabcdefabcdefabcd (api_key=SECRETKEY123)') }).catch(() => {})
await perf.close()`)
    const r = spawnSync(process.execPath, ['run.mjs'], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 })
    expect(r.status, r.stderr).toBe(0)
    const outputs: Record<string, string> = { stdout: r.stdout, stderr: r.stderr, 'metrics.prom': readFileSync(join(cwd, 'metrics.prom'), 'utf8') }
    for (const f of readdirSync(join(cwd, '.perf'))) outputs[f] = readFileSync(join(cwd, '.perf', f), 'utf8')
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['report.json', 'trace.json', 'history.jsonl']))
    for (const [where, text] of Object.entries(outputs)) for (const secret of SECRETS) expect(text, `${secret} in ${where}`).not.toContain(secret)
    // still recognizable
    const report = JSON.parse(outputs['report.json']!) as { commands: { name: string }[]; spans: { name: string; command?: string }[] }
    expect(report.commands.map(c => c.name)).toEqual(['deploy ghp_***', 'publish'])
    expect(report.spans.find(s => s.name.startsWith('GET'))).toMatchObject({ name: 'GET https://user:***@example.com/a?token=***', command: 'deploy ghp_***' })
    expect(outputs['metrics.prom']).toContain('command="deploy ghp_***"')
  })

  it('redact() takes tokens by their prefix anywhere in a text, and leaves plain names alone', () => {
    expect(redact('bad credentials: ghp_abcdefabcdefabcdefabcdefabcdef12')).toBe('bad credentials: ghp_***')
    expect(redact('build github sync')).toBe('build github sync')
    expect(redact('GET /users/:id')).toBe('GET /users/:id')
  })
})
