/**
 * JavaScript (or JSON) as tokens, enough to see object literals and arrays: what key-position.ts
 * walks to find where a key path is written. Error paths only (imported lazily).
 */

export interface Token { kind: 'punct' | 'word' | 'string' | 'other'; text: string; start: number }

/** The index of each bracket's partner (for openers). */
export function matching(tokens: Token[]): number[] {
  const close: number[] = []
  const stack: number[] = []
  tokens.forEach((t, i) => {
    if (t.text === '{' || t.text === '[' || t.text === '(') stack.push(i)
    else if (t.text === '}' || t.text === ']' || t.text === ')') { const o = stack.pop(); if (o !== undefined) close[o] = i }
  })
  for (const o of stack) close[o] = tokens.length
  return close
}

export function nesting(tokens: Token[]): number[] {
  let depth = 0
  return tokens.map(t => {
    if (t.text === '}' || t.text === ']' || t.text === ')') depth--
    const d = depth
    if (t.text === '{' || t.text === '[' || t.text === '(') depth++
    return d
  })
}

/** JavaScript or JSON tokens: enough to see object literals (strings, templates, comments and regular expressions skipped whole). */
export function tokenize(code: string): Token[] {
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
