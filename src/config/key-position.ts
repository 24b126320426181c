/**
 * Where a key path (`cache.ttl`, `budgets.files[0].limit`) is written in a config file, for the
 * `file:line:col` of a config error: the same on a cold load (c12 + jiti) and on the warm path
 * (snapshot), since it is looked up in the user's own file, never in code derived from it.
 * TypeScript is stripped by esbuild first (type annotations and interfaces hold keys too), the key
 * is found in esbuild's output and taken back to the source through esbuild's source map. JSON
 * (perf.config.json, package.json#perf, a JSON .perfrc) is searched as it is; `key=value` .perfrc
 * lines by their key. undefined when the key is not written in the file in a form found with
 * confidence (computed, built by a function, YAML, TOML): the message then names the file alone.
 * Error paths only (imported lazily).
 */
import { readFileSync } from 'node:fs'
import { basename, extname } from 'node:path'
import { decodeMappings, originalPosition, type SourcePosition } from './source-map.js'

interface Token { kind: 'punct' | 'word' | 'string' | 'other'; text: string; start: number }

/** `rcKey`: in a `key=value` .perfrc, the key of the line found. */
export async function keyPosition(file: string, keys: string[], found: unknown): Promise<(SourcePosition & { rcKey?: string }) | undefined> {
  if (keys.length === 0) return undefined
  let text: string
  try { text = readFileSync(file, 'utf8') } catch { return undefined }
  const name = basename(file)
  if (name === 'package.json') return atOffset(text, locate(text, ['perf', ...keys], found))
  if (name === '.perfrc') return text.trimStart().startsWith('{') ? atOffset(text, locate(text, keys, found)) : rcLine(text, keys)
  const ext = extname(file)
  if (/^\.json[c5]?$/.test(ext)) return atOffset(text, locate(text, keys, found))
  if (!/^\.[cm]?[jt]sx?$/.test(ext)) return undefined
  try {
    const out = await stripped(file, text, ext)
    const at = atOffset(out.code, locate(out.code, keys, found))
    if (!at) return undefined
    return originalPosition(decodeMappings(out.mappings), at.line, at.column)
  } catch {
    return undefined // a syntax esbuild does not take: the file alone
  }
}

/** The file as JavaScript (types stripped) with its source map; once per file and content for the issues of one error. */
const strippedCache = new Map<string, Promise<{ code: string; mappings: string }>>()
function stripped(file: string, text: string, ext: string): Promise<{ code: string; mappings: string }> {
  const key = `${file}\0${text}`
  let out = strippedCache.get(key)
  if (!out) {
    if (strippedCache.size > 16) strippedCache.clear()
    out = import('esbuild').then(esbuild => esbuild.transform(text, { loader: /^\.[cm]?ts$/.test(ext) ? 'ts' : ext.endsWith('x') ? (ext.includes('t') ? 'tsx' : 'jsx') : 'js', sourcemap: 'external', sourcefile: file, logLevel: 'silent' }))
      .then(r => ({ code: r.code, mappings: (JSON.parse(r.map) as { mappings: string }).mappings }))
    strippedCache.set(key, out)
  }
  return out
}

/** The line of a `key=value` .perfrc that sets the path (or, for a key it lacks, its nearest parent). */
function rcLine(text: string, keys: string[]): (SourcePosition & { rcKey: string }) | undefined {
  const lines = text.split(/\r\n|\n|\r/)
  for (let n = keys.length; n > 0; n--) {
    const index = /^\d+$/.test(keys[n - 1]!) ? Number(keys[n - 1]) : -1
    const dotted = keys.slice(0, index >= 0 ? n - 1 : n).join('.')
    let seen = 0
    for (let i = 0; i < lines.length; i++) {
      const key = /^\s*([^\s=]+)\s*=/.exec(lines[i]!)?.[1]
      if (!key) continue
      if (index >= 0 ? key === `${dotted}[]` && seen++ === index : key === dotted || key.startsWith(`${dotted}.`)) return { line: i + 1, column: lines[i]!.indexOf(key) + 1, rcKey: key }
    }
  }
  return undefined
}

function atOffset(text: string, offset: number | undefined): SourcePosition | undefined {
  if (offset === undefined) return undefined
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  return { line, column: offset - before.lastIndexOf('\n') }
}

/**
 * The offset of the deepest part of the path written in the code: the key of the last key found
 * (an array item: its first token). Every object literal is a candidate root; a candidate that
 * reaches further wins, then one whose value is the literal found, then the outermost, then the first.
 */
function locate(code: string, keys: string[], found: unknown): number | undefined {
  const tokens = tokenize(code)
  const close = matching(tokens)
  const depths = nesting(tokens)
  const exported = exportedObject(tokens)
  let best: number[] | undefined
  let offset: number | undefined
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.text !== '{') continue
    const r = descend(tokens, close, i, keys, 0)
    if (!r || r.reached === 0) continue
    const literal = r.reached === keys.length && r.valueAt !== undefined && literalIs(tokens, close, r.valueAt, found)
    // higher is better, compared in order
    const rank = [r.reached, Number(literal), Number(i === exported), -depths[i]!]
    if (!best || greater(rank, best)) {
      best = rank
      offset = r.offset
    }
  }
  return offset
}

function greater(a: number[], b: number[]): boolean {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k]! > b[k]!
  return false
}

/** From the value starting at token `at`, follow keys[from..]: how many were found, where the last one is written, where its value starts. */
function descend(tokens: Token[], close: number[], at: number, keys: string[], from: number, hops = 0): { reached: number; offset: number; valueAt?: number } | undefined {
  if (from === keys.length) return undefined
  const t = tokens[at]
  if (!t) return undefined
  const key = keys[from]!
  let child: { offset: number; valueAt: number | undefined } | undefined
  if (t.text === '{') child = property(tokens, close, at, key)
  else if (t.text === '[' && /^\d+$/.test(key)) child = element(tokens, close, at, Number(key))
  else if (t.text === '(' ) return descend(tokens, close, at + 1, keys, from, hops)
  else if (t.kind === 'word' && hops < 4) {
    // a variable: `cache: shared` or `{ cache }` written with `const shared = { ... }` above
    const decl = declaration(tokens, t.text)
    return decl === undefined ? undefined : descend(tokens, close, decl, keys, from, hops + 1)
  }
  if (!child) return undefined
  const deeper = child.valueAt === undefined ? undefined : descend(tokens, close, child.valueAt, keys, from + 1, hops)
  return deeper && deeper.reached > 0 ? { ...deeper, reached: deeper.reached + 1 } : { reached: 1, offset: child.offset, ...(child.valueAt !== undefined && { valueAt: child.valueAt }) }
}

/** The property `key` of the object literal opening at `open`: where its key is written, where its value starts (a shorthand `{ cache }`: the name). */
function property(tokens: Token[], close: number[], open: number, key: string): { offset: number; valueAt: number } | undefined {
  let found: { offset: number; valueAt: number } | undefined
  for (let i = open + 1; i < close[open]!; i = next(tokens, close, i, open)) {
    const t = tokens[i]!
    const after = tokens[i + 1]
    const name = t.kind === 'string' ? unquote(t.text) : t.kind === 'word' ? t.text : undefined
    if (name !== key) continue
    if (after?.text === ':') found = { offset: t.start, valueAt: i + 2 }
    else if (t.kind === 'word' && (after?.text === ',' || after?.text === '}')) found = { offset: t.start, valueAt: i }
    // the last one written wins, as in the object
  }
  return found
}

function element(tokens: Token[], close: number[], open: number, index: number): { offset: number; valueAt: number } | undefined {
  let n = 0
  for (let i = open + 1; i < close[open]!; i = next(tokens, close, i, open)) {
    if (tokens[i]!.text === '...') return undefined // a spread before it: its index is not the written one
    if (n++ === index) return { offset: tokens[i]!.start, valueAt: i }
  }
  return undefined
}

/** The token after the next comma at the literal's own level (the start of its next entry). */
function next(tokens: Token[], close: number[], i: number, open: number): number {
  const end = close[open]!
  for (let j = i; j < end; j++) {
    if (close[j] !== undefined && j !== open) j = close[j]!
    else if (tokens[j]!.text === ',') return j + 1
  }
  return end
}

/** The object `export default` (`module.exports =`) gives: written there, in `definePerfConfig(...)`, or in the variable it names. */
function exportedObject(tokens: Token[]): number | undefined {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    const isExport = (t.text === 'default' && tokens[i - 1]?.text === 'export') || (t.text === 'module.exports' && tokens[i + 1]?.text === '=')
    if (!isExport) continue
    let at = t.text === 'default' ? i + 1 : i + 2
    for (let hops = 0; hops < 4 && tokens[at]; hops++) {
      const v = tokens[at]!
      if (v.text === '{') return at
      if (v.text === '(') at++
      else if (v.kind === 'word' && tokens[at + 1]?.text === '(') at += 2
      else if (v.kind === 'word') { const d = declaration(tokens, v.text); if (d === undefined) return undefined; at = d }
      else return undefined
    }
  }
  return undefined
}

/** `const name = <value>` (esbuild left no type between the name and `=`): the value's first token. */
function declaration(tokens: Token[], name: string): number | undefined {
  for (let i = 1; i + 2 < tokens.length; i++) {
    if (tokens[i]!.text === name && /^(const|let|var)$/.test(tokens[i - 1]!.text) && tokens[i + 1]!.text === '=') return i + 2
  }
  return undefined
}

function literalIs(tokens: Token[], close: number[], at: number, found: unknown): boolean {
  const t = tokens[at]!
  const end = tokens[at + 1]?.text
  if (close[at] !== undefined || !(end === ',' || end === '}' || end === ']' || end === undefined)) return false
  if (t.kind === 'string') return unquote(t.text) === found
  return t.text === String(found)
}

function unquote(text: string): string | undefined {
  if (text.startsWith('"')) try { return JSON.parse(text) as string } catch { return undefined }
  if (text.startsWith("'")) try { return JSON.parse(`"${text.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string } catch { return undefined }
  return undefined
}

/** The index of each bracket's partner (for openers). */
function matching(tokens: Token[]): number[] {
  const close: number[] = []
  const stack: number[] = []
  tokens.forEach((t, i) => {
    if (t.text === '{' || t.text === '[' || t.text === '(') stack.push(i)
    else if (t.text === '}' || t.text === ']' || t.text === ')') { const o = stack.pop(); if (o !== undefined) close[o] = i }
  })
  for (const o of stack) close[o] = tokens.length
  return close
}

function nesting(tokens: Token[]): number[] {
  let depth = 0
  return tokens.map(t => {
    if (t.text === '}' || t.text === ']' || t.text === ')') depth--
    const d = depth
    if (t.text === '{' || t.text === '[' || t.text === '(') depth++
    return d
  })
}

/** JavaScript or JSON tokens: enough to see object literals (strings, templates, comments and regular expressions skipped whole). */
function tokenize(code: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  const regexAllowed = () => {
    const prev = tokens.at(-1)
    return !prev || (prev.kind === 'punct' && !/^[)\]}]$/.test(prev.text)) || /^(return|typeof|case|do|else|in|of|new|delete|void|throw|yield|await)$/.test(prev.text)
  }
  while (i < code.length) {
    const c = code[i]!
    if (/\s/.test(c)) { i++; continue }
    if (c === '/' && code[i + 1] === '/') { i = code.indexOf('\n', i); if (i < 0) break; continue }
    if (c === '/' && code[i + 1] === '*') { const e = code.indexOf('*/', i + 2); i = e < 0 ? code.length : e + 2; continue }
    const start = i
    if (c === '"' || c === "'") {
      i++
      while (i < code.length && code[i] !== c && code[i] !== '\n') i += code[i] === '\\' ? 2 : 1
      tokens.push({ kind: 'string', text: code.slice(start, ++i), start })
    } else if (c === '`') {
      i = templateEnd(code, i + 1)
      tokens.push({ kind: 'other', text: code.slice(start, i), start })
    } else if (c === '/' && regexAllowed()) {
      let cls = false
      i++
      while (i < code.length && code[i] !== '\n' && (cls || code[i] !== '/')) {
        if (code[i] === '[') cls = true
        else if (code[i] === ']') cls = false
        i += code[i] === '\\' ? 2 : 1
      }
      i++
      while (/[a-z]/i.test(code[i] ?? '')) i++
      tokens.push({ kind: 'other', text: code.slice(start, i), start })
    } else if (/[\w$]/.test(c)) {
      while (i < code.length && /[\w$.]/.test(code[i]!) && !(code[i] === '.' && !/\d/.test(c))) i++
      tokens.push({ kind: 'word', text: code.slice(start, i), start })
    } else if (code.startsWith('...', i)) {
      i += 3
      tokens.push({ kind: 'punct', text: '...', start })
    } else {
      i++
      tokens.push({ kind: 'punct', text: c, start })
    }
  }
  return tokens
}

/** The end of a template literal (after its closing backtick), `${...}` nesting included. */
function templateEnd(code: string, i: number): number {
  while (i < code.length) {
    const c = code[i]!
    if (c === '\\') { i += 2; continue }
    if (c === '`') return i + 1
    if (c === '$' && code[i + 1] === '{') {
      let depth = 1
      i += 2
      while (i < code.length && depth > 0) {
        if (code[i] === '`') { i = templateEnd(code, i + 1); continue }
        if (code[i] === '{') depth++
        else if (code[i] === '}') depth--
        i++
      }
      continue
    }
    i++
  }
  return i
}
