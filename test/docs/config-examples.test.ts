/**
 * Every `definePerfConfig({...})` example in docs/*.md (the README tour in docs/_head.md included) type-checks
 * strictly (strict, exactOptionalPropertyTypes) against the built package's types (`unperf/config`
 * resolved through package.json `exports` to dist/, _installed-unperf.ts),
 * as a user pasting it into perf.config.ts would check it: a key in the wrong place (an `$env` block
 * inside `cache`) or a wrong value is an error here. Names the examples leave to the reader
 * (`buildManifest`, `pkg`) are not checked; everything about the config is.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { expect, it } from 'vitest'
import { docBlocks, isConfigExample } from './_doc-blocks.js'
import { installedUnperfProject, strictOptions } from './_installed-unperf.js'

const examples = () => docBlocks().filter(block => isConfigExample(block.code))

it('every definePerfConfig example in docs/*.md type-checks', () => {
  const list = examples()
  expect(list.length).toBeGreaterThanOrEqual(3)
  const dir = installedUnperfProject('unperf-doc-examples-')
  const files = list.map(({ name, code }) => {
    const file = join(dir, 'ex', name)
    const head = code.includes("from 'unperf/config'") ? '' : `import { definePerfConfig } from 'unperf/config'\n`
    writeFileSync(file, `${head}${code}\nexport {}\n`)
    return file
  })
  const program = ts.createProgram(files, strictOptions(dir))
  // the examples' own diagnostics (the checker reads of unperf's declarations what they use): the
  // whole program's, then filtered, checked all of unperf again too (133 s at load 15 when it was
  // src/, past the 60 s timeout)
  const problems = files.flatMap(file => ts.getPreEmitDiagnostics(program, program.getSourceFile(file)))
    .filter(d => d.file && files.includes(d.file.fileName))
    // a name the example leaves to the reader (buildManifest, pkg): not the config's business
    .filter(d => d.code !== 2304 && d.code !== 2552 && d.code !== 7006)
    .map(d => `${d.file!.fileName.slice(dir.length + 4)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`)
  expect(problems).toEqual([])
}, 60_000)
