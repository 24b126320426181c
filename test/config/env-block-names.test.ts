/**
 * Named env blocks: `$development`, `$test` and `$production` (the schema's and the types'); any
 * other env's block goes under `$env`. A top-level `$staging` (c12's docs show `$<env>` for any
 * env) was refused as "expected a known key (one of name, version, ...)", a list without a single
 * `$` key in it, so the user learned neither that `$staging` is not a form nor where it goes.
 */
import { describe, expect, it } from 'vitest'
import { loadPerfConfig, type ConfigError } from '../../src/index.js'
import { PKG, project } from './_fixtures.js'

const failure = (config: string) => loadPerfConfig({ rootDir: project({ 'package.json': PKG, 'perf.config.mjs': `export default ${config}` }), env: 'staging' })
  .then(() => undefined, (e: ConfigError) => e)

describe('a top-level $<name> that is not a named env block', () => {
  it('says which blocks are named and that another env goes under $env, with its name', async () => {
    const error = await failure(`{ $staging: { cache: { ttl: '1h' } } }`)
    expect(error?.code).toBe('E_CONFIG')
    expect(error?.issues).toEqual([expect.objectContaining({ path: '$staging', found: '$staging' })])
    expect(error?.message).toContain("perf.config.mjs:1:18: $staging: expected an env block: $development, $test or $production; another env's block goes under $env (`$env: { staging: { ... } }`), got '$staging'")
  })

  it("suggests the named block a typo is close to", async () => {
    const error = await failure(`{ $prodution: { cache: { ttl: '1h' } } }`)
    expect(error?.message).toContain("$prodution: expected an env block: $development, $test or $production; did you mean '$production'?")
  })

  it('an unknown key without $ still lists the known keys', async () => {
    const error = await failure(`{ cahce: {} }`)
    expect(error?.message).toContain("cahce: expected a known key; did you mean 'cache'? (one of name, version, extends, cache,")
  })
})

describe('extends in an env block', () => {
  // c12 applies it (the env block is merged before extends are resolved); unperf resolves extends once
  // for every env (the snapshot), so `$development: { extends }` was dropped without a word: the preset
  // never applied in any env
  it('is a config error at its key, in every block and whatever the env (never applied silently)', async () => {
    const dir = project({ 'package.json': PKG, 'dev.mjs': `export default { name: 'from-dev' }`, 'perf.config.mjs': `export default { $development: { extends: './dev.mjs' }, $env: { ci: { extends: ['./dev.mjs'] } } }` })
    for (const env of ['development', 'ci', 'production']) {
      const error = await loadPerfConfig({ rootDir: dir, env }).then(() => undefined, (e: ConfigError) => e)
      expect(error?.code, env).toBe('E_CONFIG')
      expect(error?.issues.map(i => i.path), env).toEqual(['$development.extends', '$env.ci.extends'])
      expect(error?.message, env).toContain("perf.config.mjs:1:34: $development.extends: expected no extends in an env block (extends apply at a layer's top level only: write it there, or the block's keys themselves), got './dev.mjs'")
    }
    // one set to undefined (`extends: process.env.X ? './x.mjs' : undefined`) extends nothing: no error
    const unset = project({ 'package.json': PKG, 'perf.config.mjs': `export default { $development: { extends: undefined, cache: { ttl: '1h' } } }` })
    expect((await loadPerfConfig({ rootDir: unset, env: 'development' })).cache.ttl).toBe(3_600_000)
  })
})
