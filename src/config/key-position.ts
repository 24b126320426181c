/**
 * Where a key path (`cache.ttl`, `budgets.files[0].limit`) is written in a config file, for the
 * `file:line:col` of a config error (and of a plugin's warning: plugin-position.ts): the same on a cold load (c12 + jiti) and on the warm path
 * (snapshot), since it is looked up in the user's own file, never in code derived from it.
 * TypeScript is stripped by esbuild first (type annotations and interfaces hold keys too), the key
 * is found in esbuild's output and taken back to the source through esbuild's source map. JSON
 * (perf.config.json, package.json#perf, a JSON .perfrc) is searched as it is; `key=value` .perfrc
 * lines by their key. undefined when the key is not written in the file in a form found with
 * confidence (computed, built by a function, YAML, TOML): the message then names the file alone.
 * Error paths only (imported lazily).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, extname } from 'node:path'
import { matching, nesting, tokenize, type Token } from './js-tokens.js'
import { decodeMappings, originalPosition, type SourcePosition } from './source-map.js'

/**
 * Where a key path is written: `rcKey`, in a `key=value` .perfrc, the key of the line found;
 * `partial` when only a parent of the path is written there (`plugins: [...shared, x]`, a list
 * built by a call): the position is that parent's; `ambiguous` when the object literal it is in
 * is not the one the file exports (when that is known) or another one has the path as well (two
 * branches of a config function): the best guess, which a config error's message still names.
 */
export type KeyPosition = SourcePosition & { rcKey?: string; partial?: true; ambiguous?: true }

export async function keyPosition(file: string, keys: string[], found: unknown): Promise<KeyPosition | undefined> {
  const read = readConfig(file, keys, found)
  if (!read || 'at' in read) return read?.at
  try {
    return mapped(await stripped(file, read.text, read.ext), keys, found)
  } catch {
    return undefined // a syntax esbuild does not take: the file alone
  }
}

/**
 * keyPosition, synchronously, for a warning printed where something fails (a plugin's: it cannot
 * wait). JavaScript is searched as it is (nothing to strip, no esbuild to start), TypeScript
 * through esbuild's transformSync.
 */
export function keyPositionSync(file: string, keys: string[], found: unknown): KeyPosition | undefined {
  const read = readConfig(file, keys, found)
  if (!read || 'at' in read) return read?.at
  if (/^\.[cm]?js$/.test(read.ext)) return inText(read.text, keys, found)
  try {
    return mapped(strippedSync(file, read.text, read.ext), keys, found)
  } catch {
    return undefined
  }
}

/** The position when the file needs no transform (JSON, .perfrc), else the script's text to strip; undefined: not found, not read. */
function readConfig(file: string, keys: string[], found: unknown): { at: KeyPosition | undefined } | { text: string; ext: string } | undefined {
  if (keys.length === 0) return undefined
  let text: string
  try { text = readFileSync(file, 'utf8') } catch { return undefined }
  const name = basename(file)
  if (name === 'package.json') return { at: inText(text, ['perf', ...keys], found) }
  if (name === '.perfrc') return { at: text.trimStart().startsWith('{') ? inText(text, keys, found) : rcLine(text, keys) }
  const ext = extname(file)
  if (/^\.json[c5]?$/.test(ext)) return { at: inText(text, keys, found) }
  if (!/^\.[cm]?[jt]sx?$/.test(ext)) return undefined
  return { text, ext }
}

/** Where a key path is written in a JSON text (package.json's own `perf`, say): inText, for a file read already. */
export function jsonKeyPosition(text: string, keys: string[], found: unknown): KeyPosition | undefined {
  return inText(text, keys, found)
}

function inText(text: string, keys: string[], found: unknown): KeyPosition | undefined {
  const r = locate(text, keys, found)
  if (!r) return undefined
  return { ...atOffset(text, r.offset), ...(r.reached < keys.length && { partial: true as const }), ...(r.ambiguous && { ambiguous: true as const }) }
}

/** Found in the stripped code, taken back to the file as written. */
function mapped(out: Stripped, keys: string[], found: unknown): KeyPosition | undefined {
  const at = inText(out.code, keys, found)
  const original = at && originalPosition(decodeMappings(out.mappings), at.line, at.column)
  return original && { ...original, ...(at.partial && { partial: true as const }), ...(at.ambiguous && { ambiguous: true as const }) }
}

interface Stripped { code: string; mappings: string }
type Loader = 'ts' | 'tsx' | 'jsx' | 'js'
const loaderOf = (ext: string): Loader => /^\.[cm]?ts$/.test(ext) ? 'ts' : ext.endsWith('x') ? (ext.includes('t') ? 'tsx' : 'jsx') : 'js'
const fromEsbuild = (r: { code: string; map: string }): Stripped => ({ code: r.code, mappings: (JSON.parse(r.map) as { mappings: string }).mappings })

/** The file as JavaScript (types stripped) with its source map; once per file and content for the issues of one error. */
const strippedCache = new Map<string, Promise<Stripped>>()
function stripped(file: string, text: string, ext: string): Promise<Stripped> {
  const key = `${file}\0${text}`
  let out = strippedCache.get(key)
  if (!out) {
    if (strippedCache.size > 16) strippedCache.clear()
    out = import('esbuild').then(esbuild => esbuild.transform(text, { loader: loaderOf(ext), sourcemap: 'external', sourcefile: file, logLevel: 'silent' })).then(fromEsbuild)
    strippedCache.set(key, out)
  }
  return out
}

/** stripped(), synchronously: esbuild's transformSync. */
const strippedSyncCache = new Map<string, Stripped>()
function strippedSync(file: string, text: string, ext: string): Stripped {
  const key = `${file}\0${text}`
  let out = strippedSyncCache.get(key)
  if (!out) {
    if (strippedSyncCache.size > 16) strippedSyncCache.clear()
    out = fromEsbuild(syncEsbuild().transformSync(text, { loader: loaderOf(ext), sourcemap: 'external', sourcefile: file, logLevel: 'silent' }))
    strippedSyncCache.set(key, out)
  }
  return out
}

/**
 * esbuild for transformSync without its worker thread (read once, when esbuild loads): one esbuild
 * process for the call, ≈ 30 ms, where the worker and its service took ≈ 100 ms and more again to
 * stop at exit, on every run a plugin's warning is printed in. (esbuild loaded before: as it is.)
 */
function syncEsbuild(): typeof import('esbuild') {
  const env = process.env
  const before = env.ESBUILD_WORKER_THREADS
  env.ESBUILD_WORKER_THREADS = '0'
  try {
    return createRequire(import.meta.url)('esbuild') as typeof import('esbuild')
  } finally {
    if (before === undefined) delete env.ESBUILD_WORKER_THREADS
    else env.ESBUILD_WORKER_THREADS = before
  }
}

/** The line of a `key=value` .perfrc that sets the path (or, for a key it lacks, its nearest parent). */
function rcLine(text: string, keys: string[]): KeyPosition | undefined {
  const lines = text.split(/\r\n|\n|\r/)
  for (let n = keys.length; n > 0; n--) {
    const index = /^\d+$/.test(keys[n - 1]!) ? Number(keys[n - 1]) : -1
    const dotted = keys.slice(0, index >= 0 ? n - 1 : n).join('.')
    let seen = 0
    for (let i = 0; i < lines.length; i++) {
      const key = /^\s*([^\s=]+)\s*=/.exec(lines[i]!)?.[1]
      if (!key) continue
      if (index >= 0 ? key === `${dotted}[]` && seen++ === index : key === dotted || key.startsWith(`${dotted}.`)) return { line: i + 1, column: lines[i]!.indexOf(key) + 1, rcKey: key, ...(n < keys.length && { partial: true as const }) }
    }
  }
  return undefined
}

function atOffset(text: string, offset: number): SourcePosition {
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  return { line, column: offset - before.lastIndexOf('\n') }
}

/**
 * The offset of the deepest part of the path written in the code: the key of the last key found
 * (an array item: its first token). Every object literal is a candidate root; a candidate that
 * reaches further wins, then one whose value is the literal found, then the outermost, then the first.
 */
function locate(code: string, keys: string[], found: unknown): Located | undefined {
  const tokens = tokenize(code)
  const close = matching(tokens)
  const depths = nesting(tokens)
  const exported = exportedObject(tokens)
  let best: number[] | undefined
  let at: Located | undefined
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.text !== '{') continue
    const r = descend(tokens, close, i, keys, 0)
    if (!r || r.reached === 0) continue
    const literal = r.reached === keys.length && r.valueAt !== undefined && literalIs(tokens, close, r.valueAt, found)
    // higher is better, compared in order
    const rank = [r.reached, Number(literal), Number(i === exported), -depths[i]!]
    if (!best || greater(rank, best)) {
      best = rank
      // another object than the one exported, when it is known: maybe a block of the same keys
      at = { offset: r.offset, reached: r.reached, ...(exported !== undefined && i !== exported && { ambiguous: true as const }) }
    } else if (!greater(best, rank)) {
      at!.ambiguous = true // as good as another (two branches of a config function)
    }
  }
  return at
}

interface Located { offset: number; reached: number; ambiguous?: true }

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
