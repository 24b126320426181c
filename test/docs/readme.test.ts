/** README.md is generated from docs/_head.md, docs/*.md and docs/_tail.md: an edit made in the README itself would be lost at the next regeneration. */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { expect, it } from 'vitest'

const root = join(import.meta.dirname, '../..')

it('README.md is what docs/*.md make (node scripts/readme.mjs --check)', () => {
  const r = spawnSync(process.execPath, [join(import.meta.dirname, '../../scripts/readme.mjs'), '--check'], { encoding: 'utf8' })
  expect(r.stderr).toBe('')
  expect(r.status).toBe(0)
})

/** Relative link targets in a markdown file (no urls, no anchors), with their lines. */
function relativeLinks(file: string): { line: number; target: string }[] {
  const links: { line: number; target: string }[] = []
  readFileSync(file, 'utf8').split('\n').forEach((text, i) => {
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!
      if (/^[a-z][a-z0-9+.-]*:|^#|^\//i.test(target)) continue
      links.push({ line: i + 1, target: target.replace(/#.*$/, '') })
    }
  })
  return links
}

// a doc's links are written relative to docs/ (where it is read on its own); the README's, relative to
// the repository root: the generator rewrites them (a '../bench/results/x.md' copied as it was pointed
// outside the repository from the README)
it('every relative link in README.md and docs/*.md points at a file of the repository', () => {
  const broken: string[] = []
  const docs = readdirSync(join(root, 'docs')).filter(f => f.endsWith('.md') && !f.startsWith('_')).map(f => join(root, 'docs', f))
  for (const file of [join(root, 'README.md'), ...docs]) {
    for (const { line, target } of relativeLinks(file)) {
      if (!existsSync(join(dirname(file), target))) broken.push(`${file.slice(root.length + 1)}:${line}: ${target}`)
    }
  }
  expect(broken).toEqual([])
})

const COMMANDS = 'init|config|cache|budget|bench|report|monitor|profile|shard|tests|doctor'

/**
 * The `unperf` command lines of README.md's code blocks (a shell or CI block's lines, a transcript's
 * `$ ` lines) that a user's shell would not find: `npm install unperf` puts the binary in
 * node_modules/.bin, not on the PATH, so a bare `unperf shard ...` is `command not found`, and in
 * `npx vitest run $(unperf shard --total 4 --index 1)` the empty substitution ran every test file
 * in every shard job, without an error.
 */
function bareCommands(readme: string): string[] {
  const bare: string[] = []
  for (const m of readme.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)) {
    const lang = m[1]!
    const start = readme.slice(0, m.index).split('\n').length + 1
    m[2]!.split('\n').forEach((text, i) => {
      let code: string
      if (/^(sh|bash|shell|yaml|yml)$/.test(lang)) code = text.replace(/(^|\s)#.*$/, '')
      else if (lang === '' && text.startsWith('$ ')) code = text.slice(2)
      else return
      if (new RegExp(`(?<!\\bnpx )(?<![\\w./-])unperf\\s+(${COMMANDS})\\b`).test(code)) bare.push(`README.md:${start + i}: ${text.trim()}`)
    })
  }
  return bare
}

/**
 * The inline command lines of README.md's prose that a user copies whole into a shell: a `unperf`
 * command after an environment assignment (`REDIS_URL=… PERF_ENV=ci unperf config`, the tour's), after
 * `&&`, or piped on. Bare, they are `command not found` as a shell block's would be; a command named
 * alone (`unperf report` reads them) is a name, not a line to run.
 */
function bareInlineCommands(readme: string): string[] {
  const bare: string[] = []
  readme.split('\n').forEach((text, i) => {
    if (text.startsWith('    ') || text.startsWith('```')) return
    for (const m of text.matchAll(/`([^`\n]+)`/g)) {
      const code = m[1]!.replace(/\\\|/g, ' ') // a table's escaped `\|` is usage's "or", not a pipe
      const run = new RegExp(`(?<!\\bnpx )(?<![\\w./-])unperf\\s+(${COMMANDS})\\b`)
      const line = new RegExp(`(^|\\s)[A-Z_]+=\\S*\\s+(?:[A-Z_]+=\\S*\\s+)*unperf\\s|&&\\s*unperf\\s|unperf\\s+(${COMMANDS})\\b[^|]*\\|`)
      if (run.test(code) && line.test(code)) bare.push(`README.md:${i + 1}: ${code}`)
    }
  })
  return bare
}

it("README.md's inline command lines run unperf as a project that installed it can: npx unperf", () => {
  expect(bareInlineCommands('a `REDIS_URL=x PERF_ENV=ci unperf config` b `unperf report` c `FORCE_COLOR=1 npx unperf report | less -R` `cd p && unperf report` | `unperf init [--format ts\\|js]` |'))
    .toEqual(['README.md:1: REDIS_URL=x PERF_ENV=ci unperf config', 'README.md:1: cd p && unperf report'])
  expect(bareInlineCommands(readFileSync(join(root, 'README.md'), 'utf8'))).toEqual([])
})

it("README.md's shell blocks run unperf as a project that installed it can: npx unperf", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  expect(bareCommands('```sh\nnpx vitest run $(unperf shard --total 4 --index 1)\nnpx unperf budget --json  # unperf budget\n```\n')).toEqual(['README.md:2: npx vitest run $(unperf shard --total 4 --index 1)'])
  expect(bareCommands(readme)).toEqual([])
})
