/**
 * Every code example in docs/*.md (the README's tour in docs/_head.md included) that uses unperf at run
 * time, `createPerf`, `perf.*`, a plugin, an adapter, the vitest reporter, type-checks as a user's
 * project compiles it: strict, exactOptionalPropertyTypes, no DOM globals, against the built
 * package's types (`unperf`, `unperf/citty`, ... through package.json `exports` to dist/, _installed-unperf.ts). The config examples are
 * config-examples.test.ts's. Names an example leaves to the reader (`resolveDeps`, `url`, a
 * `./commands/build.mjs` of the host) are not checked; an unperf export used without its import is
 * (`createPerf` in a snippet that never imports it fails for the user who pastes it).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { expect, it } from 'vitest'
import { docBlocks, isConfigExample, isRuntimeExample } from './_doc-blocks.js'
import { installedUnperfProject, strictOptions } from './_installed-unperf.js'

const root = join(import.meta.dirname, '../..')
const unperfEntries = ['src/index.ts', 'src/adapters/citty.ts', 'src/adapters/commander.ts', 'src/vitest/index.ts']

function examples(): { name: string; code: string }[] {
  return docBlocks().filter(({ code }) => isRuntimeExample(code)).map(({ name, code }) => {
    // a fragment that uses an instance it does not create: the instance the section is about
    const head = /\bconst perf\b/.test(code) ? '' : `declare const perf: import('unperf').Perf\n`
    return { name, code: `${head}${code}\nexport {}\n` }
  })
}

/** Every value name unperf's entries export: using one without importing it is the example's bug. */
function unperfExports(): Set<string> {
  const names = new Set<string>()
  for (const entry of unperfEntries) {
    const text = readFileSync(join(root, entry), 'utf8')
    for (const m of text.matchAll(/export\s+(?:async\s+)?(?:function|const|class)\s+(\w+)|export\s*\{([^}]*)\}/g)) {
      if (m[1]) names.add(m[1])
      for (const part of m[2]?.split(',') ?? []) {
        const name = part.trim().split(/\s+as\s+/).pop()
        if (name && !name.startsWith('type ')) names.add(name)
      }
    }
  }
  return names
}

it('every runtime example in docs/*.md type-checks with strict and exactOptionalPropertyTypes', () => {
  const list = examples()
  expect(list.length).toBeGreaterThanOrEqual(10)
  const exported = unperfExports()
  expect(exported.has('createPerf') && exported.has('withPerf') && exported.has('instrument')).toBe(true)
  const dir = installedUnperfProject('unperf-doc-runtime-examples-')
  const files = list.map(({ name, code }) => {
    const file = join(dir, 'ex', name)
    writeFileSync(file, code)
    return file
  })
  const program = ts.createProgram(files, strictOptions(dir, ['lib.es2022.d.ts']))
  // the examples' own diagnostics (the checker reads of unperf's declarations what they use): the
  // whole program's, then filtered, checked all of unperf again too (133 s at load 15 when it was
  // src/, past the 60 s timeout)
  const problems = files.flatMap(file => ts.getPreEmitDiagnostics(program, program.getSourceFile(file)))
    .filter(d => d.file && files.includes(d.file.fileName))
    .filter(d => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, '\n')
      // a name left to the reader (resolveDeps, url), unless it is one of unperf's own exports
      if (d.code === 2304 || d.code === 2552 || d.code === 18004) return exported.has(/'(\w+)'/.exec(text)?.[1] ?? '')
      // the host's own modules (./commands/build.mjs)
      if (d.code === 2307) return !/module '\./.test(text)
      return true
    })
    .map(d => `${d.file!.fileName.slice(dir.length + 4)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`)
  expect(problems).toEqual([])
}, 60_000)

// a block neither check takes is one nobody type-checks: README's BudgetResult, a bare object
// literal, and the vitest.config.ts, whose 'unperf/vitest' was not `from 'unperf`, were such
it('every ts and js block of docs/*.md is a config example or a runtime example', () => {
  const neither = docBlocks().filter(({ code }) => !isConfigExample(code) && !isRuntimeExample(code))
  expect(neither.map(({ name, code }) => `${name}: ${code.split('\n')[0]}`)).toEqual([])
})
