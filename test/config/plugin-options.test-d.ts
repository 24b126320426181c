/**
 * A plugin's options are checked against the plugin's own type: `PerfConfig`'s entry type took
 * `PerfPlugin<any>` with `Record<string, unknown>` options, so `[git, { remote: 1 }]` compiled.
 */
import { describe, expectTypeOf, it } from 'vitest'
import { definePerfConfig, type PerfConfig, type PluginConfigEntry } from '../../src/config/index.js'
import { definePerfPlugin } from '../../src/hooks/define-plugin.js'

interface GitOptions {
  remote: string
  depth?: number | undefined
}
const git = definePerfPlugin<GitOptions>({
  name: 'git',
  setup({ options }) {
    expectTypeOf(options).toEqualTypeOf<GitOptions>()
  },
})
const optional = definePerfPlugin<{ depth?: number | undefined }>({ name: 'optional' })
const untyped = definePerfPlugin({ name: 'untyped', setup: ({ options }) => void options })
const bare = { name: 'bare', setup: () => {} }

describe('plugin options in definePerfConfig', () => {
  it('takes the right options, specifiers with any options, and plugins whose options are all optional alone', () => {
    const config = definePerfConfig({
      plugins: [
        [git, { remote: 'upstream' }],
        [git, { remote: 'origin', depth: 1 }],
        'my-plugin', ['my-plugin', { anything: 1 }], './plugins/p.mjs', ['./plugins/p.mjs'],
        optional, [optional], [optional, { depth: 2 }],
        untyped, [untyped, { a: 1 }],
        bare, [bare, { a: 1 }],
        { name: 'inline', setup: () => {} },
      ],
    })
    expectTypeOf(config).toEqualTypeOf<PerfConfig>()
  })

  it('rejects a wrong option type', () => {
    // @ts-expect-error remote is a string
    definePerfConfig({ plugins: [[git, { remote: 1 }]] })
    // @ts-expect-error depth is a number, in any position of the list
    definePerfConfig({ plugins: ['my-plugin', optional, [git, { remote: 'x', depth: '1' }]] })
  })

  it('rejects a missing required option, also when the plugin is given without options', () => {
    // @ts-expect-error remote is required
    definePerfConfig({ plugins: [[git, {}]] })
    // @ts-expect-error the plugin alone gets {} as options
    definePerfConfig({ plugins: [git] })
    // @ts-expect-error as [plugin] too
    definePerfConfig({ plugins: [[git]] })
  })

  it('rejects an unknown option', () => {
    // @ts-expect-error no such option
    definePerfConfig({ plugins: [[git, { remote: 'x', remot: 'y' }]] })
    // @ts-expect-error nor on a plugin whose options are all optional
    definePerfConfig({ plugins: [[optional, { dpth: 1 }]] })
  })

  it('checks the plugins of every layer', () => {
    definePerfConfig({
      plugins: [optional],
      $development: { plugins: [[git, { remote: 'dev' }]] },
      $env: { ci: { plugins: [[git, { remote: 'ci' }]], budgets: { mode: 'error' } }, staging: { cache: { ttl: '1h' } } },
    })
    // @ts-expect-error in $test
    definePerfConfig({ $test: { plugins: [[git, { remote: 1 }]] } })
    // @ts-expect-error in $production
    definePerfConfig({ $production: { plugins: [git] } })
    // @ts-expect-error in an $env layer
    definePerfConfig({ $env: { ci: { plugins: [[git, { remote: true }]] } } })
  })

  it('keeps the checks of the rest of the config', () => {
    // @ts-expect-error typo beside checked plugins
    definePerfConfig({ plugins: [[git, { remote: 'x' }]], cache: { tll: '1h' } })
    // @ts-expect-error typo in a layer with plugins
    definePerfConfig({ $env: { ci: { plugins: [optional], cache: { drivr: 'memory' } } } })
    // @ts-expect-error a wrong type beside them
    definePerfConfig({ plugins: [optional], budgets: { mode: 'panic' } })
  })

  it('takes a list built elsewhere, checked or not', () => {
    const checked = [[git, { remote: 'x' }], optional] as const
    definePerfConfig({ plugins: checked })
    const wide: PluginConfigEntry[] = [git, ['p', { a: 1 }]]
    definePerfConfig({ plugins: wide, $env: { ci: { plugins: wide } } })
    const fromPreset: PerfConfig = { plugins: wide }
    definePerfConfig({ ...fromPreset, plugins: [...(fromPreset.plugins ?? []), [git, { remote: 'x' }]] })
    // an array (not a tuple) built elsewhere: taken as it was before the check (entry by entry unknown)
    const list = [optional, [git, { remote: 'x' }] as const, untyped]
    definePerfConfig({ plugins: list })
  })

  it('takes a list chosen by a condition', () => {
    definePerfConfig({ plugins: process.env.CI ? [optional] : [] })
    definePerfConfig({ plugins: process.env.CI ? [optional] : [untyped] })
    definePerfConfig({ plugins: [...(process.env.CI ? [[git, { remote: 'x' }] as const, optional] : [untyped])] })
    // @ts-expect-error still checked in the branch it is inferred from
    definePerfConfig({ plugins: process.env.CI ? [[git, { remote: 1 }]] : [] })
  })
})
