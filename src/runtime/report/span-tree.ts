/**
 * The spans of a report as a tree, for the verbose console summary (console.ts): a deferred module
 * (scripts/build.mjs), off the start path of the default summary.
 */
import type { SpanRecord } from '../types.js'

/**
 * Spans as a tree, each followed by its children (by `parentId`), siblings in start order, with the
 * depth to indent it at. In start order alone, concurrent work interleaves and a span was drawn
 * under whichever preceded it. A span whose parent is not in the list (dropped from a long run's
 * kept spans) starts a tree of its own at its recorded depth.
 */
export function spanTree(spans: readonly SpanRecord[]): { span: SpanRecord; depth: number }[] {
  const ids = new Set<number>()
  for (const s of spans) if (s.id !== undefined) ids.add(s.id)
  const children = new Map<number, SpanRecord[]>()
  const roots: SpanRecord[] = []
  for (const s of spans) {
    if (s.parentId === undefined || !ids.has(s.parentId)) roots.push(s)
    else {
      let list = children.get(s.parentId)
      if (list === undefined) children.set(s.parentId, (list = []))
      list.push(s)
    }
  }
  const out: { span: SpanRecord; depth: number }[] = []
  // iterative: a chain of thousands of nested spans must not overflow the stack
  const stack: { span: SpanRecord; depth: number }[] = roots.map(span => ({ span, depth: span.depth })).reverse()
  while (stack.length > 0) {
    const next = stack.pop()!
    out.push(next)
    const kids = next.span.id === undefined ? undefined : children.get(next.span.id)
    if (kids !== undefined) for (let k = kids.length - 1; k >= 0; k--) stack.push({ span: kids[k]!, depth: next.depth + 1 })
  }
  return out
}