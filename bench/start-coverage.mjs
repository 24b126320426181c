#!/usr/bin/env node
// What a warm start never runs: V8 block coverage (NODE_V8_COVERAGE) of the start script over warm runs
// of a citty/commander host in the variants a user runs (session 20's list, startup.md), the code never
// run in any of them listed by the start script's top-level declaration it sits in, and that
// declaration's module (found by name in src/). Candidates for a lazy chunk or a DEFERRED module
// (scripts/build.mjs); a name in the list is a lead to read, not a verdict (a path none of these
// variants takes may still be common: a failing command, a first run).
//   npm run build && node bench/start-coverage.mjs [--top 40] [--json FILE]
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'

const repo = resolve(import.meta.dirname, '..')
const arg = (name, fallback) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : fallback }
const top = Number(arg('--top', 40))

const work = mkdtempSync(join(tmpdir(), 'unperf-start-coverage-'))
process.on('exit', () => rmSync(work, { recursive: true, force: true }))
const pkg = join(work, 'unperf') // a private copy: a rebuild meanwhile changes nothing here
cpSync(join(repo, 'dist'), join(pkg, 'dist'), { recursive: true })
cpSync(join(repo, 'package.json'), join(pkg, 'package.json'))
symlinkSync(join(repo, 'node_modules'), join(pkg, 'node_modules')) // its dependencies (c12, jiti, esbuild for a cold run)
const startName = readdirSync(join(pkg, 'dist/_chunks')).find(f => /^index\.start-.*\.js$/.test(f))
const startSource = readFileSync(join(pkg, 'dist/_chunks', startName), 'utf8')

const cittyCommand = run => `defineCommand({ meta: { name: 'host', version: '1.0.0' }, subCommands: { hello: defineCommand({ meta: { name: 'hello' }, run: ${run} }) } })`
const hello = `() => { process.stdout.write('hello\\n') }`
const citty = (run = hello) => `import { defineCommand } from 'citty'\nimport { runMain, withPerf, getPerf } from 'unperf/citty'\nawait runMain(withPerf(${cittyCommand(run)}))\n`
const benchConfig = `export default { cache: { driver: ['memory', 'fs'], ttl: '1d', namespaces: { git: { ttl: '5m' } } }, budgets: { startup: '500ms' }, report: { console: false } }\n`
// name → [files of its host dir, args]
const variants = {
  'default config': [{ 'perf.config.ts': 'export default {}\n', 'cli.mjs': citty() }, ['hello']],
  "the bench's config": [{ 'perf.config.ts': benchConfig, 'cli.mjs': citty() }, ['hello']],
  'cache off': [{ 'perf.config.ts': `export default { cache: { enabled: false }, monitors: { enabled: false }, report: { console: false } }\n`, 'cli.mjs': citty() }, ['hello']],
  'one plugin': [{ 'perf.config.ts': `export default { plugins: ['./plugin.mjs'], report: { console: false } }\n`, 'plugin.mjs': `export default { name: 'p', hooks: { 'command:before': () => {} }, setup({ cache }) { globalThis.pluginCache = cache } }\n`, 'cli.mjs': citty() }, ['hello']],
  'config hooks': [{ 'perf.config.ts': `export default { hooks: { 'command:before': () => {}, 'command:after': () => {}, exit: () => {} }, report: { console: false } }\n`, 'cli.mjs': citty() }, ['hello']],
  'budgets breached': [{ 'perf.config.ts': `export default { budgets: { startup: '1ms', memory: '1MB', commands: { hello: { duration: '0.001ms', p95: '0.001ms' } } } }\n`, 'cli.mjs': citty() }, ['hello']],
  'a command reading the cache': [{ 'perf.config.ts': benchConfig, 'cli.mjs': citty(`async () => { process.stdout.write(await getPerf().cache.wrap('greeting', async () => 'hello') + '\\n') }`) }, ['hello']],
  'process.exit() in the command': [{ 'perf.config.ts': benchConfig, 'cli.mjs': citty(`() => { process.stdout.write('hello\\n'); process.exit(0) }`) }, ['hello']],
  'commander adapter': [{ 'perf.config.ts': benchConfig, 'cli.mjs': `import { Command } from 'commander'\nimport { instrument } from 'unperf/commander'\nconst program = new Command('host')\nprogram.command('hello').action(() => { process.stdout.write('hello\\n') })\nawait instrument(program).parseAsync()\n` }, ['hello']],
  'createPerf() directly': [{ 'perf.config.ts': benchConfig, 'cli.mjs': `import { createPerf } from 'unperf'\nconst perf = await createPerf()\nawait perf.run('hello', async () => { process.stdout.write('hello\\n') })\nawait perf.close()\n` }, []],
  'citty --help': [{ 'perf.config.ts': benchConfig, 'cli.mjs': citty() }, ['--help']],
  'citty subcommand --help': [{ 'perf.config.ts': benchConfig, 'cli.mjs': citty() }, ['hello', '--help']],
  'commander --help': [{ 'perf.config.ts': benchConfig, 'cli.mjs': `import { Command } from 'commander'\nimport { instrument } from 'unperf/commander'\nconst program = new Command('host')\nprogram.command('hello').action(() => {})\nawait instrument(program).parseAsync()\n` }, ['--help']],
}

const coverageDir = join(work, 'coverage')
let n = 0
for (const [name, [files, args]] of Object.entries(variants)) {
  const dir = join(work, `host-${n++}`)
  mkdirSync(join(dir, 'node_modules'), { recursive: true })
  for (const dep of ['citty', 'commander']) symlinkSync(join(repo, 'node_modules', dep), join(dir, 'node_modules', dep))
  symlinkSync(pkg, join(dir, 'node_modules/unperf'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `host-${n}`, version: '1.0.0', type: 'module' }))
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text)
  // a git checkout with a remote, as most projects are (the project id is a hash of it)
  mkdirSync(join(dir, '.git'))
  writeFileSync(join(dir, '.git/config'), '[remote "origin"]\n\turl = git@github.com:acme/host.git\n')
  writeFileSync(join(dir, '.git/HEAD'), 'ref: refs/heads/main\n')
  // the code cache off: the loader differs (no cache read), the start script runs the same
  const env = { ...process.env, XDG_CACHE_HOME: join(dir, 'xdg'), NODE_ENV: 'production', PERF_ENV: 'production', UNPERF_CODE_CACHE: '0' }
  delete env.NODE_V8_COVERAGE
  const run = extra => spawnSync(process.execPath, [join(dir, 'cli.mjs'), ...args], { cwd: dir, env: { ...env, ...extra }, encoding: 'utf8' })
  // cold (the config snapshot, the report dir), then warm: a history past MIN_HISTORY_FOR_REGRESSION (5 runs: regressions judged)
  for (let i = 0; i < 7; i++) run()
  const r = run({ NODE_V8_COVERAGE: coverageDir })
  process.stderr.write(`${name}: exit ${r.status}${r.status ? ' ' + r.stderr.slice(0, 600) : ''}\n`)
}

// every character's count in one run: the innermost range holding it decides (V8's block coverage);
// a character run in any variant is run
const ran = new Uint8Array(startSource.length)
const calls = new Map() // each function of the start script ('start:end') → [name, calls in every variant]
for (const file of readdirSync(coverageDir)) {
  const { result } = JSON.parse(readFileSync(join(coverageDir, file), 'utf8'))
  const script = result.find(s => s.url.includes(startName))
  if (!script) continue
  const ranges = script.functions.flatMap(f => f.ranges.map((r, i) => ({ ...r, name: i === 0 ? f.functionName : undefined })))
  // outer ranges first, so inner ones overwrite them
  ranges.sort((a, b) => a.startOffset - b.startOffset || b.endOffset - a.endOffset)
  const counts = new Int32Array(startSource.length).fill(-1)
  for (const r of ranges) counts.fill(r.count, r.startOffset, r.endOffset)
  for (let i = 0; i < counts.length; i++) if (counts[i] > 0) ran[i] = 1
  for (const r of ranges) {
    if (r.name === undefined) continue
    const key = `${r.startOffset}:${r.endOffset}`
    calls.set(key, [r.name, (calls.get(key)?.[1] ?? 0) + r.count])
  }
}
if (calls.size === 0) throw new Error(`no coverage of ${startName}`)

// the top-level statements of the start script's body (the wrapper function's): each never-run
// character goes to the declaration it sits in (TypeScript's parser, as a JS parser)
const ts = (await import('typescript')).default
const parsed = ts.createSourceFile('start.js', startSource, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS)
const wrapper = parsed.statements[0].expression.expression // (function (module, ...) { ... })
const body = wrapper.body.statements[0].getStart(parsed)
const declarations = wrapper.body.statements.map(st => {
  const name = st.name?.text ?? st.declarationList?.declarations.map(d => d.name.text ?? '(destructuring)').join(',') ?? `(${ts.SyntaxKind[st.kind]})`
  return [st.getStart(parsed), name]
})
const declarationAt = offset => {
  let lo = 0, hi = declarations.length - 1
  while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (declarations[mid][0] <= offset) lo = mid; else hi = mid - 1 }
  return declarations[lo]?.[0] <= offset ? declarations[lo][1] : '(prologue)'
}

// a declaration's module: where src/ declares that name (esbuild renames a clash name2)
const sources = new Map()
const walk = d => { for (const e of readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(join(d, e.name)) : /\.ts$/.test(e.name) && sources.set(relative(repo, join(d, e.name)), readFileSync(join(d, e.name), 'utf8')) }
walk(join(repo, 'src'))
const moduleOf = new Map()
const findModule = name => {
  if (moduleOf.has(name)) return moduleOf.get(name)
  const bare = name.replace(/\d+$/, '').replace(/^\$/, '\\$')
  const re = new RegExp(`(?:function\\*?|class|const|let|var)\\s+${bare}\\b|^export\\s+\\{[^}]*\\b${bare}\\b`, 'm')
  const found = [...sources].filter(([, text]) => re.test(text)).map(([file]) => file)
  const module = found.length === 1 ? found[0] : found.length ? found.join(' | ') : name.startsWith('(') ? name : '(a dependency: hookable, defu, a builtin shim)'
  moduleOf.set(name, module)
  return module
}

const byDeclaration = new Map()
let never = 0, total = 0
for (let i = body; i < startSource.length; i++) {
  if (/\s/.test(startSource[i])) continue
  total++
  if (ran[i]) continue
  never++
  const name = declarationAt(i)
  byDeclaration.set(name, (byDeclaration.get(name) ?? 0) + 1)
}
const byModule = new Map()
for (const [name, chars] of byDeclaration) {
  const module = findModule(name)
  const m = byModule.get(module) ?? { chars: 0, names: [] }
  m.chars += chars; m.names.push([name, chars])
  byModule.set(module, m)
}
const rows = [...byModule].sort((a, b) => b[1].chars - a[1].chars)
console.log(`${startName}: ${Buffer.byteLength(startSource)} bytes, ${total} non-blank characters, ${never} never run in ${Object.keys(variants).length} warm variants (${(100 * never / total).toFixed(1)} %)\n`)
console.log('| module | never run (chars) | its declarations (chars never run) |\n|---|---:|---|')
for (const [module, { chars, names }] of rows.slice(0, top)) {
  console.log(`| ${module} | ${chars} | ${names.sort((a, b) => b[1] - a[1]).slice(0, 8).map(([name, c]) => `${name} ${c}`).join(', ')} |`)
}
// whole functions no variant called (the outermost of them): what moves off the start path as it is
const uncalled = [...calls].filter(([, [, count]]) => count === 0).map(([key, [name]]) => [...key.split(':').map(Number), name])
  .sort((a, b) => a[0] - b[0] || b[1] - a[1])
const outermost = []
for (const f of uncalled) if (!outermost.length || f[0] >= outermost.at(-1)[1]) outermost.push(f)
const uncalledBy = new Map()
for (const [start, end, name] of outermost) {
  const module = findModule(declarationAt(start))
  const m = uncalledBy.get(module) ?? { bytes: 0, names: [] }
  m.bytes += end - start; m.names.push([name || '(anonymous)', end - start])
  uncalledBy.set(module, m)
}
const uncalledRows = [...uncalledBy].sort((a, b) => b[1].bytes - a[1].bytes)
console.log(`\nFunctions never called in any variant (outermost): ${outermost.length}, ${outermost.reduce((n, [s, e]) => n + e - s, 0)} bytes\n`)
console.log('| module | bytes | functions (bytes) |\n|---|---:|---|')
for (const [module, { bytes, names }] of uncalledRows.slice(0, top)) {
  console.log(`| ${module} | ${bytes} | ${names.sort((a, b) => b[1] - a[1]).slice(0, 8).map(([name, c]) => `${name} ${c}`).join(', ')} |`)
}
const json = arg('--json')
if (json) writeFileSync(json, JSON.stringify({ startName, total, never, modules: Object.fromEntries(rows), uncalled: Object.fromEntries(uncalledRows) }, null, 2))
