/**
 * The TypeScript and JavaScript code blocks of docs/*.md (README.md is made of them, its tour from
 * docs/_head.md included), and which of the two type checks takes each: a `definePerfConfig({...})`
 * example is config-examples.test.ts's (a perf.config.ts), one that uses unperf at run time or names
 * one of its modules is runtime-examples.test.ts's. runtime-examples.test.ts also checks that no
 * block is left to neither.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const docs = join(import.meta.dirname, '../../docs')

export interface DocBlock {
  /** `<doc>_<line>.ts`: the doc and the line of the block's opening fence. */
  name: string
  code: string
}

/** Every ```ts and ```js block of docs/*.md, in file and line order. */
export function docBlocks(): DocBlock[] {
  const found: DocBlock[] = []
  for (const file of readdirSync(docs).filter(f => f.endsWith('.md')).sort()) {
    const text = readFileSync(join(docs, file), 'utf8')
    for (const m of text.matchAll(/```(?:ts|js)\n([\s\S]*?)```/g)) {
      const line = text.slice(0, m.index).split('\n').length
      found.push({ name: `${file.replace(/\.md$/, '')}_${line}.ts`, code: m[1]! })
    }
  }
  return found
}

/** A perf.config example. */
export const isConfigExample = (code: string): boolean => code.includes('definePerfConfig({')

/** Code using unperf at run time (`perf.*`, `createPerf`, a plugin) or naming one of its modules (`from 'unperf'`, `'unperf/vitest'`). */
export const isRuntimeExample = (code: string): boolean =>
  !isConfigExample(code) && /\bperf\.|'unperf(\/\w+)?'|definePerfPlugin\(|createPerf\(/.test(code)
