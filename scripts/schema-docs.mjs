// The documentation of schema/perf.config.schema.json (scripts/schema-source.mjs): each property's
// `description` (plain text), `markdownDescription` (what VS Code shows on hover) and, where the doc
// names a value JSON can hold, `default`, read from the doc comment of the same key in the
// TypeScript types (src/config/types.ts, cache-types.ts, monitor-types.ts) with the compiler API:
// the types are the one source. test/config/schema.test.ts checks every property against them.
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const TYPES = fileURLToPath(new URL('../src/config/types.ts', import.meta.url))

let types
/** The compiler's view of src/config/types.ts: its checker and the `PerfConfig` type (made once). */
export function configTypes() {
  if (types) return types
  const program = ts.createProgram([TYPES], { strict: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true, noEmit: true })
  const checker = program.getTypeChecker()
  const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(TYPES)))
  const declared = name => checker.getDeclaredTypeOfSymbol(exports.find(s => s.name === name))
  types = { checker, rootType: declared('PerfConfig') }
  return types
}

/** Doc comment parts as text: `{@link X}` is `X` (plain) or `` `X` `` (markdown). */
function partsText(parts, markdown) {
  let out = ''
  for (const part of parts ?? []) {
    if (part.kind === 'link') continue
    if (part.kind === 'linkName') out += markdown ? `\`${part.text}\`` : part.text
    else if (part.kind === 'linkText') continue
    else out += part.text
  }
  return out.replace(/\s*\n\s*/g, ' ').trim()
}
/** Markdown to plain text: code spans lose their backticks. */
const plain = text => text.replace(/`([^`]*)`/g, '$1')

/**
 * A plain value the text of a `@default` tag names, that JSON can hold: `'1d'`, `true`, `100`,
 * `['a', 'b']`; undefined for a phrase (`host package.json name`, `none (not judged)`).
 */
export function defaultValue(text) {
  const literal = text.trim()
  if (/^(true|false)$/.test(literal)) return literal === 'true'
  if (/^-?\d+(\.\d+)?$/.test(literal)) return Number(literal)
  const string = /^'([^'\\]*)'$/.exec(literal)
  if (string) return string[1]
  if (/^\[\s*('[^'\\]*'\s*,\s*)*'[^'\\]*'\s*\]$/.test(literal)) return [...literal.matchAll(/'([^'\\]*)'/g)].map(m => m[1])
  if (/^\[\s*\]$/.test(literal)) return []
  return undefined
}

/**
 * A property's documentation from its symbol: undefined when it has no doc comment. The `@default`
 * tag ends both texts ("Default: …"); any other tag is left out.
 */
export function docOf(symbol, checker) {
  const markdown = partsText(symbol.getDocumentationComment(checker), true)
  const tag = symbol.getJsDocTags(checker).find(t => t.name === 'default')
  const defaultMarkdown = tag ? partsText(tag.text, true) : undefined
  if (!markdown && defaultMarkdown === undefined) return undefined
  const value = tag ? defaultValue(partsText(tag.text, false)) : undefined
  // a literal in code (`'1d'`), a phrase as written (the root `cache.ttl`, none (not judged))
  const md = [markdown, defaultMarkdown === undefined ? '' : `Default: ${value === undefined ? defaultMarkdown : `\`${defaultMarkdown}\``}.`].filter(Boolean).join(markdown ? '\n\n' : '')
  const doc = { description: plain(md).replace(/\n\n/g, ' '), markdownDescription: md }
  return value === undefined ? doc : { ...doc, default: value }
}

/** The members of a TypeScript type (itself when not a union), undefined left out. */
export function membersOf(type, checker) {
  const t = checker.getNonNullableType(type)
  return t.isUnion() ? t.types : [t]
}
/** The object types among `members` (not arrays, tuples or functions). */
export function objectTypes(members, checker) {
  return members.filter(t => (t.flags & ts.TypeFlags.Object || t.isIntersection()) && !checker.isArrayType(t) && !checker.isTupleType(t) && t.getCallSignatures().length === 0)
}
/** The literal `driver` of an object type (a built-in tier's options), else undefined. */
export function driverOf(member, checker) {
  const driver = checker.getPropertyOfType(member, 'driver')
  const type = driver && checker.getTypeOfSymbol(driver)
  return type?.isStringLiteral() ? type.value : undefined
}

/**
 * The documentation of the key `key` among the object types `members`: of the one that has it, or
 * of several, said once when they agree, else one line per member named by its `driver` (the tiers:
 * the same key means another thing in a redis and an fs tier).
 */
export function keyDoc(members, key, checker) {
  const docs = []
  const objects = objectTypes(members, checker)
  for (const member of objects) {
    const prop = checker.getPropertyOfType(member, key)
    const doc = prop && docOf(prop, checker)
    if (!doc) continue
    const driver = driverOf(member, checker)
    if (!docs.some(d => d.doc.markdownDescription === doc.markdownDescription)) docs.push({ driver, doc })
  }
  // among several tiers, a key one of them has is said to be that tier's (`port`: redis's)
  const tiers = new Set(objects.map(m => checker.getPropertyOfType(m, 'driver') && (driverOf(m, checker) ?? '*'))).size > 1
  if (docs.length === 0 || (docs.length === 1 && !tiers)) return docs[0]?.doc
  const markdownDescription = docs.map(d => `- ${d.driver ? `\`${d.driver}\`` : 'another unstorage driver'}: ${d.doc.markdownDescription.replace(/\n\n/g, ' ')}`).join('\n')
  return { description: docs.map(d => `${d.driver ?? 'another unstorage driver'}: ${d.doc.description}`).join(' '), markdownDescription }
}

/**
 * Gives every property of `schema` (before scripts/schema-source.mjs's `standard()`, `$ref`s into
 * its `$defs`) the documentation of its key in the TypeScript type at the same place, walking both
 * together from `PerfConfig`: nested objects, maps (`additionalProperties`), arrays, tuples, the
 * branches of a union (`anyOf`) and each built-in driver's options (`allOf` of if/then). A property
 * node is replaced by a copy (one node can be several keys' value: `ttl` of the cache and of a
 * namespace); a property the types leave undocumented keeps the description it has.
 */
export function annotate(schema, { checker, rootType }) {
  const deref = node => { while (node?.$ref) node = schema.$defs[node.$ref.replace('#/$defs/', '')]; return node }
  const of = types => types.flatMap(t => membersOf(t, checker))
  const visit = (members, node, depth) => {
    node = deref(node)
    if (!node || typeof node !== 'object' || depth > 12 || members.length === 0) return
    for (const branch of node.anyOf ?? []) visit(members, branch, depth + 1)
    for (const { if: when, then } of node.allOf ?? []) {
      const driver = when?.properties?.driver?.const
      if (then && driver) visit(objectTypes(members, checker).filter(m => driverOf(m, checker) === driver), then, depth + 1)
    }
    const objects = objectTypes(members, checker)
    for (const [key, prop] of Object.entries(node.properties ?? {})) {
      const doc = keyDoc(objects, key, checker)
      if (doc) node.properties[key] = { ...prop, ...doc }
      const types = objects.map(m => checker.getPropertyOfType(m, key)).filter(Boolean).map(p => checker.getTypeOfSymbol(p))
      visit(of(types), node.properties[key], depth + 1)
    }
    if (node.additionalProperties && typeof node.additionalProperties === 'object') {
      visit(of(objects.flatMap(m => checker.getIndexInfosOfType(m).map(i => i.type))), node.additionalProperties, depth + 1)
    }
    if (node.items && typeof node.items === 'object') {
      visit(of(members.filter(t => checker.isArrayType(t)).flatMap(t => checker.getTypeArguments(t))), node.items, depth + 1)
    }
    node.prefixItems?.forEach((item, i) => {
      visit(of(members.filter(t => checker.isTupleType(t)).map(t => checker.getTypeArguments(t)[i]).filter(Boolean)), item, depth + 1)
    })
  }
  visit([rootType], schema, 0)
  return schema
}
