/**
 * A ConfigError's `file` is the same kind of path whatever the problem: relative to rootDir (as the
 * messages name it), its absolute path in `filePath`. A config that failed to load (a syntax error,
 * a broken package.json) gave its absolute path in `file` and the message, a bad value the relative
 * one: a tool reading `issues[].file` had to handle both.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadPerfConfig } from '../../src/config/load.js'
import { ConfigError } from '../../src/errors.js'
import { PKG, project } from './_fixtures.js'

async function issuesOf(files: Record<string, string>) {
  const dir = project({ 'package.json': PKG, ...files })
  const error = await loadPerfConfig({ cwd: dir, noSnapshot: true }).then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(ConfigError)
  return { dir, error: error as ConfigError }
}

describe('ConfigError file paths', () => {
  it('a syntax error: file relative to rootDir as a bad value\'s, the absolute path in filePath', async () => {
    const { dir, error } = await issuesOf({ 'perf.config.ts': 'export default { cache: { ttl: \n' })
    expect(error.issues[0]).toMatchObject({ file: 'perf.config.ts', filePath: join(dir, 'perf.config.ts'), path: '(file)' })
    expect(error.issues[0]!.message).toMatch(/^perf\.config\.ts:\d+:\d+: could not load the config/)
    expect(error.file).toBe('perf.config.ts')
    expect(error.message).not.toContain(dir)
  })

  it('a bad value: the same, filePath too', async () => {
    const { dir, error } = await issuesOf({ 'perf.config.ts': "export default { cache: { ttl: '10 parsecs' } }\n" })
    expect(error.issues[0]).toMatchObject({ file: 'perf.config.ts', filePath: join(dir, 'perf.config.ts'), path: 'cache.ttl' })
  })

  it('a package.json that is not JSON: package.json, its absolute path in filePath', async () => {
    const { dir, error } = await issuesOf({ 'package.json': '{ "name": ' })
    expect(error.issues[0]).toMatchObject({ file: 'package.json', filePath: join(dir, 'package.json') })
    expect(error.issues[0]!.message).toMatch(/^package\.json:1:\d+: not valid JSON/)
  })
})
