/**
 * Every usage the `unperf` binary prints names the program and the command's whole path, with
 * unperf's version: citty names a command after its parent alone, so a subcommand's subcommand
 * read `A value (…) (cache get)` / `USAGE cache get [OPTIONS] <KEY>`, with neither `unperf` nor the
 * version `unperf cache` has. Each command found in the real binary's own --help, as a child process.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { unperf } from '../helpers/unperf-cli.js'

const version = (JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version
const cwd = tempDir('unperf-usage-')

/** The commands a usage text lists (its COMMANDS section). */
function listed(usage: string): string[] {
  const section = usage.split(/^COMMANDS$/m)[1]
  if (!section) return []
  // the lines up to the first blank one after the heading: `    name    description`
  const block = section.replace(/^\n+/, '').split('\n\n')[0]!
  return [...block.matchAll(/^ +([a-z][\w-]*)(?:, [\w-]+)* {2,}/gm)].map(m => m[1]!)
}

/** Every command path of the binary, from `unperf --help` down, with what its --help printed. */
function allUsages(): { path: string[]; usage: string }[] {
  const out: { path: string[]; usage: string }[] = []
  const walk = (path: string[]) => {
    const r = unperf(cwd, ...path, '--help')
    expect(r.code, r.stderr).toBe(0)
    out.push({ path, usage: r.stdout })
    for (const name of listed(r.stdout)) walk([...path, name])
  }
  walk([])
  return out
}

function expectHeader(usage: string, path: string[]): void {
  const name = ['unperf', ...path].join(' ')
  const lines = usage.split('\n')
  expect(lines[0], usage).toMatch(new RegExp(`\\(${name} v${version.replaceAll('.', '\\.')}\\)$`))
  expect(lines.find(l => l.startsWith('USAGE ')), usage).toMatch(new RegExp(`^USAGE ${name}( |$)`))
  expect(lines.filter(l => / $/.test(l)), 'no line ends with a space').toEqual([])
}

describe('usage headers', () => {
  let usages: { path: string[]; usage: string }[] = []
  // one child process per command, 20 and more, run once: they took over a minute on a loaded machine
  // (each test ran them all again, and the walk ran at collection, outside any timeout)
  beforeAll(() => {
    usages = allUsages()
  }, 180_000)

  it('finds the commands and their subcommands', () => {
    const paths = usages.map(u => u.path)
    expect(paths).toContainEqual(['cache', 'get'])
    expect(paths).toContainEqual(['tests', 'flaky'])
    expect(paths.length).toBeGreaterThan(15)
  })

  it('--help of every command names `unperf <path> v<version>` and `USAGE unperf <path>`', () => {
    for (const { path, usage } of usages) expectHeader(usage, path)
  })

  it('the usage beside a usage error, and --help --json, say the same', () => {
    // `cache get` without its KEY: exit 2, the usage on stderr
    const missing = unperf(cwd, 'cache', 'get')
    expect(missing.code).toBe(2)
    expectHeader(missing.stderr, ['cache', 'get'])
    const unknown = unperf(cwd, 'tests', 'flaky', '--nope')
    expect(unknown.code).toBe(2)
    expectHeader(unknown.stderr, ['tests', 'flaky'])
    expectHeader((unperf(cwd, 'cache', 'get', '--help', '--json').json() as { usage: string }).usage, ['cache', 'get'])
  }, 120_000) // four child processes
})
