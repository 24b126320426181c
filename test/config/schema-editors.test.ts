/**
 * The documentation in schema/perf.config.schema.json (each key's doc comment as `description`
 * and `default`: scripts/schema-docs.mjs) as an editor meets it: a `.perfrc`
 * written as JSON with `$schema` pointing at the installed copy, validated by a JSON Schema
 * validator (ajv, strict), accepts and refuses exactly what the same schema without the
 * documentation (src/config/validator-schema.json, unperf's own validator's copy) does; and each
 * `default` is the value unperf resolves a config without the key to.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import { loadPerfConfigLayers } from '../../src/config/load.js'
import { resolvePerfConfig } from '../../src/config/resolve.js'
import type { PerfConfigBase } from '../../src/config/types.js'
import { tempDir } from '../helpers/tmp.js'
import { strictAjv } from './_ajv.js'

const root = join(import.meta.dirname, '../..')
type Node = Record<string, any>

/** A schema without its documentation: every `description`, `markdownDescription` and `default` left out. */
function undocumented(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(undocumented)
  if (node === null || typeof node !== 'object') return node
  return Object.fromEntries(Object.entries(node).filter(([k]) => !['description', 'markdownDescription', 'default'].includes(k)).map(([k, v]) => [k, undocumented(v)]))
}

describe('the documented schema, as editors use it', () => {
  it('a .perfrc with $schema is accepted and refused exactly as by the schema without documentation', async () => {
    const dir = tempDir('unperf-schema-editors-')
    mkdirSync(join(dir, 'node_modules'))
    symlinkSync(root, join(dir, 'node_modules/unperf'), 'dir')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'schema-editors', version: '1.0.0', type: 'module' }))
    const bare = JSON.parse(readFileSync(join(root, 'src/config/validator-schema.json'), 'utf8'))
    const documents: Array<[Node, boolean]> = [
      [{ cache: { ttl: '3h', namespaces: { git: { ttl: false, driver: ['memory', { driver: 'redis', url: 'redis://127.0.0.1:6379' }] } } }, monitors: { alerts: { 'memory.rss': { above: '500MB', for: '10s' } }, prometheus: { port: 9464 } } }, true],
      [{ $env: { ci: { budgets: { mode: 'error', files: [{ path: 'dist/*.mjs', limit: '50kB', compression: 'gzip' }] } } }, plugins: [['./p.mjs', { level: 2 }]] }, true],
      [{ cache: { ttll: '1h' } }, false],
      [{ cache: { ttl: 0 } }, false],
      [{ cache: { driver: { driver: 'redis', host: 'h', port: 70000 } } }, false],
      [{ monitors: { alerts: { 'memory.rss': '500ms' } } }, false],
      [{ $development: { concurrency: { workers: { max: 0 } } } }, false],
      // extends: the top level's alone (unperf refuses one in an env block, validate-layers.ts)
      [{ extends: ['./base.json'], $development: { cache: { ttl: '1h' } } }, true],
      [{ $development: { extends: './dev.json' } }, false],
      [{ $env: { ci: { extends: ['./ci.json'] } } }, false],
    ]
    let validateDocumented: ((d: unknown) => boolean) | undefined
    const validateBare = new Ajv2020({ strict: true, allErrors: true }).compile(bare)
    for (const [document, valid] of documents) {
      writeFileSync(join(dir, '.perfrc'), JSON.stringify({ $schema: './node_modules/unperf/schema/perf.config.schema.json', ...document }, null, 2))
      const written = JSON.parse(readFileSync(join(dir, '.perfrc'), 'utf8'))
      // what the editor loads: the file $schema names, relative to the document
      const schema = JSON.parse(readFileSync(resolve(dirname(join(dir, '.perfrc')), written.$schema), 'utf8'))
      validateDocumented ??= strictAjv().compile(schema)
      expect([document, validateDocumented(written), validateBare(written)]).toEqual([document, valid, valid])
    }
    // the same schema but for the documentation
    const documented = JSON.parse(readFileSync(join(root, 'schema/perf.config.schema.json'), 'utf8'))
    // but for a tier's driver names, which the published schema alone enumerates: an editor flags a
    // typo as you type; unperf's validator takes any name and the load refuses one unstorage has not,
    // with its own message (scripts/schema-drivers.mjs DRIVER_NAMES)
    const named = (schema: Node) => schema.$defs.driverSpec.anyOf.find((b: Node) => b.required?.includes('driver')).properties.driver
    const typo = { $schema: './node_modules/unperf/schema/perf.config.schema.json', cache: { driver: { driver: 'reddis', url: 'redis://127.0.0.1:6379' } } }
    expect([validateDocumented!(typo), validateBare(typo)]).toEqual([false, true])
    expect(named(documented).enum).toEqual(expect.arrayContaining(['memory', 'fs', 'redis', 'lru-cache', 'fs-lite']))
    expect(named(bare).enum).toBeUndefined()
    delete named(documented).enum
    expect(undocumented(documented)).toEqual(undocumented(bare))
    // and unperf reads the .perfrc that names its schema (the key ignored)
    writeFileSync(join(dir, '.perfrc'), JSON.stringify({ $schema: './node_modules/unperf/schema/perf.config.schema.json', ...documents[0]![0] }))
    const { config, layers } = await loadPerfConfigLayers({ cwd: dir, env: 'production' })
    expect([layers.map(l => l.name), config.cache.ttl]).toEqual([['.perfrc'], 10_800_000])
  })

  it("a key's hover is its own doc: no schema its value also matches (a branch, a $ref's target) has a description", () => {
    // an editor shows the first description among the schemas a value matches, the innermost first
    // (vscode-json-languageservice's hover): `ttl` showed positiveDuration's phrase, not its doc
    const schema = JSON.parse(readFileSync(join(root, 'schema/perf.config.schema.json'), 'utf8'))
    const sameValue = (node: Node, seen: Set<Node>): Node[] => {
      if (!node || typeof node !== 'object' || seen.has(node)) return []
      seen.add(node)
      const target = node.$ref ? [schema.$defs[node.$ref.replace('#/$defs/', '')]] : []
      const branches = [...target, ...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? []), node.then, node.else].filter(b => b && typeof b === 'object')
      return branches.flatMap(b => [b, ...sameValue(b, seen)])
    }
    const shadowing: string[] = []
    let keys = 0
    const walk = (node: Node, path: string, seen: Set<Node>) => {
      if (!node || typeof node !== 'object' || seen.has(node)) return
      seen.add(node)
      for (const [key, value] of Object.entries<Node>(node.properties ?? {})) {
        keys++
        for (const inner of sameValue(value, new Set())) if (inner.description) shadowing.push(`${path}${key}: ${inner.description}`)
      }
      for (const child of [...Object.values<Node>(node.properties ?? {}), ...sameValue(node, new Set()), node.additionalProperties, node.items, ...(node.prefixItems ?? [])]) walk(child, `${path}`, seen)
    }
    walk(schema, '', new Set())
    expect(keys).toBeGreaterThan(100)
    expect(shadowing).toEqual([])
  })

  it("every `default` is what unperf resolves the key to when it is left out", () => {
    const schema = JSON.parse(readFileSync(join(root, 'schema/perf.config.schema.json'), 'utf8'))
    // the keys a config needs beside one with a default, where it is in an array or a variant
    const needs: Record<string, Node> = { 'budgets.files.*': { path: 'package.json', limit: '1MB' }, 'monitors.prometheus': { port: 0 } }
    const defaults: Array<[string[], unknown]> = []
    const walk = (node: Node, path: string[]) => {
      for (const [key, value] of Object.entries<Node>(node.properties ?? {})) {
        if ('default' in value) defaults.push([[...path, key], value.default])
        walk(value.$ref ? schema.$defs[value.$ref.replace('#/$defs/', '')] : value, [...path, key])
      }
      for (const branch of node.anyOf ?? []) walk(branch, path)
      if (node.additionalProperties?.type === 'object') walk(node.additionalProperties, [...path, '*'])
      if (node.items?.type === 'object') walk(node.items, [...path, '*'])
    }
    for (const [key, value] of Object.entries<Node>(schema.properties)) if (key !== '$development' && key !== '$test' && key !== '$production' && key !== '$env') walk({ properties: { [key]: value } }, [])
    expect(defaults.length).toBeGreaterThan(30)
    const ctx = { rootDir: root, cwd: root, env: 'production', configFile: undefined, hostName: 'acme', hostVersion: '1.0.0', fileFor: () => 'perf.config.ts' }
    for (const [path, value] of defaults) {
      /** The object that holds `path[i]` (at the key path `at`), with the default or without the key. */
      const holder = (i: number, at: string, present: boolean): Node => {
        const key = path[i]!
        const inside = at ? `${at}.${key}` : key
        if (i === path.length - 1) return present ? { ...needs[at], [key]: value } : { ...needs[at] }
        if (path[i + 1] === '*') {
          const entry = holder(i + 2, `${inside}.*`, present)
          return { ...needs[at], [key]: key === 'files' ? [entry] : { x: entry } }
        }
        return { ...needs[at], [key]: holder(i + 1, inside, present) }
      }
      const withDefault = resolvePerfConfig(holder(0, '', true) as PerfConfigBase, ctx)
      const without = resolvePerfConfig(holder(0, '', false) as PerfConfigBase, ctx)
      expect([path.join('.'), withDefault.issues, without.issues]).toEqual([path.join('.'), [], []])
      expect([path.join('.'), withDefault.config]).toEqual([path.join('.'), without.config])
    }
  })
})
