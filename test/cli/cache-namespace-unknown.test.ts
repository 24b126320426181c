/**
 * `unperf cache list --namespace nosuch` printed "no entries", exit 0: a typo in a script (`cache
 * clear --namespace templtes`) passed without clearing anything. A namespace neither configured nor
 * stored is bad usage (exit 2) with the closest name; one stored by an older config is listed, and
 * said to be no longer configured. A plugin's, `plugin:<name>`, was never checked: `cache clear
 * --namespace plugin:countr` cleared nothing, exit 0, where `plugin:counter` was meant (s32's audit
 * of a plugin author's flow); it is checked against the config's plugins, loaded for it.
 */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectWith } from '../helpers/project.js'
import { unperf } from '../helpers/unperf-cli.js'

const dist = join(import.meta.dirname, '../../dist/index.mjs')

describe('unperf cache --namespace of a namespace the config does not have', () => {
  it('neither configured nor stored: exit 2 with the closest name, for every command that takes it', () => {
    const dir = projectWith(`export default { cache: { driver: 'fs', namespaces: { templates: { ttl: '1h' } } } }`)
    for (const args of [['list'], ['info'], ['get', 'k'], ['clear'], ['prune'], ['verify']]) {
      const r = unperf(dir, 'cache', ...args, '--namespace', 'templtes')
      expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(2)
      expect(r.stderr, args.join(' ')).toContain("[unperf] --namespace 'templtes': no such namespace in the config, and none stored under that name; did you mean 'templates'? (namespaces: default, shared, templates)")
      expect(r.stdout, args.join(' ')).toBe('')
    }
    const json = unperf(dir, 'cache', 'list', '--namespace', 'nosuch', '--json')
    expect(json.code).toBe(2)
    expect(json.json().error).toMatchObject({ name: 'UsageError', code: 'E_USAGE', message: expect.stringContaining("--namespace 'nosuch': no such namespace") })
    // the configured ones are taken as they are
    for (const name of ['templates', 'default', 'shared']) {
      const r = unperf(dir, 'cache', 'list', '--namespace', name)
      expect([r.code, r.stderr], name).toEqual([0, ''])
    }
  })

  it('stored by an older config: listed, with a warning that it is not configured (exit 0)', () => {
    const dir = projectWith(`export default { cache: { driver: 'fs', namespaces: { legacy: { ttl: '1h' } } }, report: { console: false } }`, {
      'app.mjs': `import { createPerf } from ${JSON.stringify(dist)}
        const perf = await createPerf()
        await perf.cache.namespace('legacy').set('old-key', 'old-value')
        await perf.close()`,
    })
    const run = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(run.status, run.stderr).toBe(0)
    writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { driver: 'fs' } }`)
    const r = unperf(dir, 'cache', 'list', '--namespace', 'legacy', '--json')
    expect(r.code, r.stderr).toBe(0)
    expect((r.json() as { key: string }[]).map(e => e.key)).toEqual(['old-key'])
    expect(r.stderr).toContain("[unperf] warning: --namespace 'legacy' is not in the config; its entries here were stored by an older config or by code that opens it by name")
  })

  it("a plugin's: checked against the config's plugins (object, file or package), exit 2 with the closest when none is named so", () => {
    const dir = projectWith(`import counter from './plugins/counter.mjs'
      export default { cache: { driver: 'fs' }, report: { console: false }, plugins: [counter, ['./plugins/audit.mjs', { level: 1 }], 'unperf-plugin-stamp'] }`, {
      'plugins/counter.mjs': `export default { name: 'counter', async setup({ cache }) { await cache.set('runs', 1) } }`,
      'plugins/audit.mjs': `export default () => ({ name: 'audit' })`,
      'node_modules/unperf-plugin-stamp/package.json': JSON.stringify({ name: 'unperf-plugin-stamp', type: 'module', exports: './index.js' }),
      'node_modules/unperf-plugin-stamp/index.js': `export default { name: 'stamp' }`,
      'app.mjs': `import { createPerf } from ${JSON.stringify(dist)}
        await (await createPerf()).close()`,
    })
    for (const args of [['list'], ['info'], ['clear', '--yes'], ['prune'], ['verify']]) {
      const r = unperf(dir, 'cache', ...args, '--namespace', 'plugin:countr', '--env', 'dev')
      expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(2)
      expect(r.stderr, args.join(' ')).toContain("[unperf] --namespace 'plugin:countr': no plugin of the config is named 'countr', and no namespace is stored under that name; did you mean 'plugin:counter'? (plugins for the env 'dev': counter, audit, stamp)")
      expect(r.stdout, args.join(' ')).toBe('')
    }
    // each plugin's, nothing stored yet: taken (an empty namespace, as it is)
    for (const name of ['plugin:counter', 'plugin:audit', 'plugin:stamp']) {
      const r = unperf(dir, 'cache', 'list', '--namespace', name)
      expect([r.code, r.stderr], name).toEqual([0, ''])
    }
    // stored by a plugin the config lists no longer: taken (its entries can still be listed and cleared)
    const run = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(dir, '.xdg') } })
    expect(run.status, run.stderr).toBe(0)
    writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { driver: 'fs' }, plugins: ['./plugins/audit.mjs'] }`)
    const old = unperf(dir, 'cache', 'list', '--namespace', 'plugin:counter', '--json')
    expect(old.code, old.stderr).toBe(0)
    expect((old.json() as { key: string }[]).map(e => e.key)).toEqual(['runs'])
    const typo = unperf(dir, 'cache', 'clear', '--namespace', 'plugin:audti', '--yes', '--json', '--env', 'dev')
    expect(typo.code).toBe(2)
    expect(typo.json().error.message).toContain("no plugin of the config is named 'audti', and no namespace is stored under that name; did you mean 'plugin:audit'? (plugins for the env 'dev': audit)")
    // one an env block alone lists: found in that env (--env), named with the env in the others
    writeFileSync(join(dir, 'plugins/ci.mjs'), `export default { name: 'ci-only' }`)
    writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { driver: 'fs' }, $env: { ci: { plugins: ['./plugins/ci.mjs'] } } }`)
    expect(unperf(dir, 'cache', 'list', '--namespace', 'plugin:ci-only', '--env', 'ci').code).toBe(0)
    const elsewhere = unperf(dir, 'cache', 'list', '--namespace', 'plugin:ci-only', '--env', 'staging')
    expect(elsewhere.code).toBe(2)
    expect(elsewhere.stderr).toContain("no plugin of the config is named 'ci-only', and no namespace is stored under that name (the config lists no plugin for the env 'staging')")
    // no plugins at all
    writeFileSync(join(dir, 'perf.config.mjs'), `export default { cache: { driver: 'fs' } }`)
    const none = unperf(dir, 'cache', 'list', '--namespace', 'plugin:git-info', '--env', 'dev')
    expect(none.code).toBe(2)
    expect(none.stderr).toContain("no plugin of the config is named 'git-info', and no namespace is stored under that name (the config lists no plugin for the env 'dev')")
  })

  it("a plugin's, when a plugin of the config cannot be loaded: its name is not known, the namespace is taken", () => {
    const dir = projectWith(`export default { cache: { driver: 'fs' }, plugins: ['./plugins/missing.mjs'] }`)
    const r = unperf(dir, 'cache', 'list', '--namespace', 'plugin:anything')
    expect([r.code, r.stderr]).toEqual([0, ''])
  })
})
