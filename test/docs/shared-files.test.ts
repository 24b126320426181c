/**
 * The 'shared' project's files run one after the other in one process, modules kept, and so do the
 * 'serial' project's (vitest.config.ts): a file there that changes what the next file sees (process.env, the umask,
 * listeners, globals, mocks, a perf instance in-process) would make another file pass or fail by
 * the order the workers took them in. Each file outside ISOLATED and SERIAL_ISOLATED, with the test
 * helpers it imports, is read for those; a new test file that does one of them is named here, to be
 * added to ISOLATED, or to SERIAL_ISOLATED when it is a SERIAL file (test/setup/projects.ts).
 * (ISOLATED's files share a process too, in the 'restored' project, where what each changed is put
 * back after it and checked: test/setup/restore-process.ts, test/docs/process-state.test.ts.)
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { glob } from 'tinyglobby'
import { expect, it } from 'vitest'
import { ISOLATED, OWN_PROCESS, SERIAL, SERIAL_ISOLATED } from '../setup/projects.js'

const root = join(import.meta.dirname, '../..')

/** What a file may not do outside ISOLATED: a change of its process that outlives the file. */
const CHANGES: Array<[RegExp, string]> = [
  [/process\.chdir\(/, 'changes the cwd'],
  [/process\.umask\(\s*[^)\s]/, 'sets the umask'],
  [/^\s*process\.(on|once|off|removeListener|removeAllListeners|setMaxListeners|emit)\(/m, 'adds or removes process listeners'],
  [/process\.kill\(\s*process\.pid/, 'signals its own process'],
  [/^\s*(process\.env(\.\w+|\[[^\]]+\])\s*=(?!=)|delete process\.env|Object\.assign\(process\.env)/m, 'sets process.env'],
  [/vi\.(stubEnv|mock|doMock|spyOn|useFakeTimers|stubGlobal|fn)\b/, 'uses vi mocks, spies or fake timers'],
  [/^\s*process\.(stdout|stderr)\.write\s*=/m, 'replaces stdout/stderr writes'],
  [/^\s*globalThis\.\w+\s*=/m, 'sets a global'],
  [/^\s*process\.exitCode\s*=/m, 'sets process.exitCode'],
]
/** Modules whose import runs perf instances or CLI code in the test's process (process-wide state). */
const STATEFUL = /^src\/(index|runtime\/(perf|current|exit|report\/exit-code|clock|metrics\/own)|adapters\/|cli\/)/

/** What `file` and the test helpers it imports (not src) do of CHANGES and STATEFUL. */
function changes(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return []
  seen.add(file)
  const text = readFileSync(file, 'utf8')
  const found: string[] = []
  const rel = relative(root, file)
  for (const [pattern, what] of CHANGES) if (pattern.test(text)) found.push(`${rel} ${what}`)
  // a helper's top-level hook is registered once per process, for the first file importing it
  if (!rel.endsWith('.test.ts') && /^(beforeAll|afterAll|beforeEach|afterEach)\(/m.test(text)) found.push(`${rel} registers hooks at its top level`)
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|^import\s+['"](\.[^'"]+)['"]/gm)) {
    const target = resolve(dirname(file), m[1] ?? m[2] ?? m[3]!)
    const to = relative(root, target)
    if (STATEFUL.test(to)) found.push(`${rel} imports ${to}`)
    const ts = target.replace(/\.js$/, '.ts')
    if (to.startsWith('test/') && existsSync(ts)) found.push(...changes(ts, seen))
  }
  return found
}

it("every file of the 'shared' project leaves its process as it found it", async () => {
  const serial = await glob(SERIAL, { cwd: root })
  const shared = (await glob('test/**/*.test.ts', { cwd: root })).filter(f => !serial.includes(f) && !ISOLATED.includes(f)).sort()
  expect(shared.length).toBeGreaterThan(100)
  const found = shared.flatMap(file => changes(join(root, file)).map(what => `${file}: ${what}`))
  expect(found, 'add these files to ISOLATED in test/setup/projects.ts').toEqual([])
})

it("every file of the 'serial' project leaves its process as it found it", async () => {
  const serial = (await glob(SERIAL, { cwd: root })).filter(f => !SERIAL_ISOLATED.includes(f)).sort()
  expect(serial.length).toBeGreaterThan(20)
  const found = serial.flatMap(file => changes(join(root, file)).map(what => `${file}: ${what}`))
  expect(found, 'add these files to SERIAL_ISOLATED in test/setup/projects.ts').toEqual([])
})

it('ISOLATED names test files that exist, none of them serial', async () => {
  const serial = await glob(SERIAL, { cwd: root })
  expect(ISOLATED.filter(f => !existsSync(join(root, f)) || serial.includes(f))).toEqual([])
})

it('SERIAL_ISOLATED names SERIAL files that exist', async () => {
  const serial = await glob(SERIAL, { cwd: root })
  expect(SERIAL_ISOLATED.filter(f => !existsSync(join(root, f)) || !serial.includes(f))).toEqual([])
})

it('OWN_PROCESS names ISOLATED files', () => {
  expect(OWN_PROCESS.filter(f => !ISOLATED.includes(f))).toEqual([])
})
