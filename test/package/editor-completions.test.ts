/**
 * What an editor offers in a perf.config.ts and a plugin, on the packed package: TypeScript's
 * language service (what VS Code and every tsserver client run) asked for completions and quick
 * info at a cursor (`|`), as a user types. Completions list what API.md documents (every key, the
 * literals of `driver`, `mode`, `compression`, `console`, the 19 hook names, in `$env` and
 * `$development` layers and a plugin's `hooks` too), and hovering a key shows its doc comment with
 * its unit and default (the .d.mts keep the comments).
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { beforeAll, describe, expect, it } from 'vitest'
import { consumerProject } from './_packed.js'

const HOOKS = [
  'config:resolved', 'perf:ready', 'command:before', 'command:after', 'command:error', 'cache:hit', 'cache:miss', 'cache:set',
  'cache:evict', 'cache:error', 'task:start', 'task:end', 'task:retry', 'task:error', 'monitor:sample', 'monitor:alert',
  'budget:exceeded', 'report', 'exit',
]
const CONFIG = `import { definePerfConfig } from 'unperf/config'\nexport default definePerfConfig(`
const PLUGIN = `import { definePerfPlugin } from 'unperf'\nexport default definePerfPlugin(`

let service: ts.LanguageService
let file: string
let text = ''
let version = 0

beforeAll(() => {
  const project = consumerProject({}, {}, 'unperf-completions-')
  file = join(project, 'perf.config.ts')
  const options: ts.CompilerOptions = {
    strict: true, exactOptionalPropertyTypes: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022, types: [], noEmit: true,
  }
  service = ts.createLanguageService({
    getScriptFileNames: () => [file],
    getScriptVersion: f => (f === file ? String(version) : '1'),
    getScriptSnapshot: f => (f === file ? ts.ScriptSnapshot.fromString(text) : existsSync(f) ? ts.ScriptSnapshot.fromString(readFileSync(f, 'utf8')) : undefined),
    getCurrentDirectory: () => project,
    getCompilationSettings: () => options,
    getDefaultLibFileName: o => ts.getDefaultLibFilePath(o),
    fileExists: f => f === file || ts.sys.fileExists(f),
    readFile: f => (f === file ? text : ts.sys.readFile(f)),
    readDirectory: ts.sys.readDirectory, directoryExists: ts.sys.directoryExists, getDirectories: ts.sys.getDirectories, realpath: ts.sys.realpath!,
  }, ts.createDocumentRegistry())
}, 600_000)

/** The source with the cursor at `|`. */
function at(source: string): number {
  text = source.replace('|', '')
  version++
  return source.indexOf('|')
}

/** The completion names at `|` (quotes of a quoted key taken off), keywords and globals left out. */
function completions(source: string, triggerCharacter?: ts.CompletionsTriggerCharacter): string[] {
  const result = service.getCompletionsAtPosition(file, at(source), { triggerCharacter, includeCompletionsWithInsertText: true })
  return (result?.entries ?? []).filter(e => e.kind !== ts.ScriptElementKind.keyword).map(e => e.name.replace(/^"(.*)"$/, '$1')).sort()
}

/** The doc comment and tags shown on hover at `|`. */
function hover(source: string): string {
  const info = service.getQuickInfoAtPosition(file, at(source))
  return `${ts.displayPartsToString(info?.documentation)} ${(info?.tags ?? []).map(t => `@${t.name} ${ts.displayPartsToString(t.text)}`).join(' ')}`
}

describe('completions in perf.config.ts', () => {
  it("list every key of definePerfConfig's object, of cache, of a layer", () => {
    const top = ['name', 'version', 'cache', 'concurrency', 'budgets', 'monitors', 'report', 'plugins', 'hooks', 'extends']
    expect(completions(`${CONFIG}{ | })`)).toEqual(expect.arrayContaining([...top, '$development', '$test', '$production', '$env']))
    const cache = ['enabled', 'driver', 'dir', 'ttl', 'maxSize', 'compress', 'integrity', 'swr', 'timeout', 'invalidate', 'namespaces']
    expect(completions(`${CONFIG}{ cache: { | } })`)).toEqual(expect.arrayContaining(cache))
    // an env block takes every key but extends (the top level's alone: refused in a block at run time)
    const block = top.filter(k => k !== 'extends')
    expect(completions(`${CONFIG}{ $env: { ci: { | } } })`)).toEqual(expect.arrayContaining(block))
    expect(completions(`${CONFIG}{ $development: { | } })`)).toEqual(expect.arrayContaining(block))
    expect(completions(`${CONFIG}{ $development: { | } })`)).not.toContain('extends')
    expect(completions(`${CONFIG}{ $env: { ci: { cache: { | } } } })`)).toEqual(expect.arrayContaining(cache))
    expect(completions(`${CONFIG}{ budgets: { | } })`)).toEqual(expect.arrayContaining(['mode', 'startup', 'memory', 'cacheHitRate', 'commands', 'files']))
    expect(completions(`${CONFIG}{ report: { | } })`)).toEqual(expect.arrayContaining(['console', 'dir', 'history', 'historyDriver']))
  })

  it('list the literals a key takes', () => {
    expect(completions(`${CONFIG}{ cache: { driver: '|' } })`, `'`)).toEqual(['fs', 'memory'])
    expect(completions(`${CONFIG}{ cache: { driver: ['memory', { driver: '|' }] } })`, `'`)).toEqual(expect.arrayContaining(['memory', 'fs', 'redis', 'lru-cache']))
    expect(completions(`${CONFIG}{ budgets: { mode: '|' } })`, `'`)).toEqual(['error', 'warn'])
    expect(completions(`${CONFIG}{ $env: { ci: { budgets: { mode: '|' } } } })`, `'`)).toEqual(['error', 'warn'])
    expect(completions(`${CONFIG}{ budgets: { files: [{ path: 'x', limit: 1, compression: '|' }] } })`, `'`)).toEqual(['brotli', 'gzip', 'none'])
    expect(completions(`${CONFIG}{ report: { console: '|' } })`, `'`)).toEqual(['summary', 'verbose'])
  })

  it("list the hook names in the config's hooks, a layer's and a plugin's, and type each listener's payload", () => {
    expect(completions(`${CONFIG}{ hooks: { '|' } })`, `'`)).toEqual([...HOOKS].sort())
    expect(completions(`${CONFIG}{ $development: { hooks: { | } } })`)).toEqual([...HOOKS].sort())
    expect(completions(`${PLUGIN}{ name: 'p', hooks: { '|' } })`, `'`)).toEqual([...HOOKS].sort())
    expect(completions(`${CONFIG}{ hooks: { 'cache:hit': (e) => e.| } })`, '.')).toEqual(expect.arrayContaining(['namespace', 'key', 'tier', 'stale']))
  })
})

describe('hover in perf.config.ts', () => {
  it("shows a key's doc comment, with its unit and default", () => {
    expect(hover(`${CONFIG}{ cache: { t|tl: '1d' } })`)).toMatch(/ms.*@default '1d'/s)
    expect(hover(`${CONFIG}{ budgets: { st|artup: '250ms' } })`)).toMatch(/Number = ms/)
    expect(hover(`${CONFIG}{ $env: { ci: { report: { hi|story: 100 } } } })`)).toMatch(/Runs kept.*@default 100/s)
    expect(hover(`${CONFIG}{ ca|che: {} })`)).not.toMatch(/^\s*$/)
    expect(hover(`${CONFIG}{ hooks: { 'command:af|ter': () => {} } })`)).toMatch(/every command/)
  })
})
