/**
 * API.md "Cache (every namespace)" on the packed package, once per driver (memory, fs, redis):
 * every method with the return shape the contract gives, exact round trips of JSON values and
 * binary ones, the glob of invalidate(), stats(), info(), verify() on a damaged fs entry, and
 * wrap/cached/fetch/warm. One child process per driver runs every step and prints what it saw.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { redisUrl } from '../helpers/redis.js'
import { consumerProject, nodeIn, resultOf } from './_packed.js'

let project: string
const seen: Record<string, any> = {}

const SCRIPT = `
import { createPerf } from 'unperf'
import { createServer } from 'node:http'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
const kind = process.argv[2]
const driver = kind === 'redis' ? { driver: 'redis', url: process.argv[3] } : kind
const perf = await createPerf({ overrides: { cache: { driver, dir: './cache-' + kind, namespaces: { templates: { ttl: '7d' }, git: { driver: 'memory' }, sessions: { ttl: '1500ms', sliding: true } } }, report: { console: false, dir: './.perf-' + kind } } })
const c = perf.cache
await c.clear()
const out = {}
const bytes = v => Buffer.isBuffer(v) ? ['Buffer', [...v]] : v instanceof Uint8Array ? ['Uint8Array', [...v]] : Array.isArray(v) ? v.map(bytes) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, e]) => [k, bytes(e)])) : v
const describe = v => v === null ? null : v instanceof Uint8Array ? bytes(v) : [typeof v, bytes(v)]
const values = { str: '456', num: 456, nul: null, bool: false, obj: { a: [1, '2', null], b: { c: 'd' } }, arr: [1, 'x'], empty: '', buf: Buffer.from([0, 1, 254, 255]), u8: new Uint8Array([9, 0, 7]),
  // the awkward ones: strings that read as JSON, edge numbers, a lone surrogate, empty containers, a
  // Uint8Array viewing part of a larger buffer, a pooled Buffer, values over the 4 KB compress threshold
  quoted: '"x"', nullText: 'null', zero: 0, neg: -1.5, huge: 1e308, emoji: '😀\\u0000', lone: '\\ud800', obj0: {}, arr0: [], arrNull: [null],
  buf0: Buffer.alloc(0), view: new Uint8Array(new ArrayBuffer(10), 2, 3).fill(5), pooled: Buffer.from('abc'), bigStr: '456'.repeat(3000), bigBuf: Buffer.alloc(10000, 7),
  // Buffers and Uint8Arrays inside a value (type kept), beside objects that look like a marker
  inObj: { name: 'a.png', data: Buffer.from([0, 1, 254, 255]) }, inArr: [Buffer.from('ab'), new Uint8Array([3])], inEmpty: [Buffer.alloc(0), new Uint8Array(0)],
  inLook: { $bytes: 'AAE', buf: { type: 'Buffer', data: [1] }, b: Buffer.from([1]) }, inBig: { rows: Array.from({ length: 300 }, (_, i) => ({ i, tag: 'row ' + i })), big: Buffer.alloc(100000, 9) } }
for (const [k, v] of Object.entries(values)) await c.set(k, v)
out.roundTrip = {}
for (const k of Object.keys(values)) out.roundTrip[k] = describe(await c.get(k))
out.getMissing = await c.get('missing')
out.getMany = (await c.getMany(['str', 'missing', 'num'])).map(describe)
await c.setMany([['m1', 1], ['m2', 'two', { ttl: '1h' }]])
out.setMany = await c.getMany(['m1', 'm2'])
out.has = [await c.has('str'), await c.has('missing')]
out.delete = [await c.delete('m1'), await c.delete('m1')]
const before = Date.now()
await c.set('entry', { x: 1 }, { ttl: '1h', metadata: { etag: 'W/1' } })
const entry = await c.getEntry('entry')
out.entry = { keys: Object.keys(entry).sort(), value: entry.value, metadata: entry.metadata, size: entry.size,
  createdOk: entry.createdAt >= before - 1000 && entry.createdAt <= Date.now(), ttl: entry.expiresAt - entry.createdAt }
await c.set('forever', 1, { ttl: false })
out.forever = (await c.getEntry('forever')).expiresAt
out.entryMissing = await c.getEntry('missing')
let calls = 0
out.wrap = [await c.wrap('w', async () => { calls++; return '456' }), await c.wrap('w', async () => { calls++; return 'other' }), calls]
writeFileSync('input-' + kind + '.txt', 'one')
const build = () => c.wrap('built', async () => readFileSync('input-' + kind + '.txt', 'utf8'), { files: ['input-' + kind + '.txt'] })
out.wrapFiles = [await build()]
writeFileSync('input-' + kind + '.txt', 'two')
out.wrapFiles.push(await build())
calls = 0
const add = c.cached(async (a, b) => { calls++; return a + b }, { name: 'add' })
out.cached = [await add(1, 2), await add(1, 2), await add(2, 2), calls]
for (const k of ['a:b/c', 'a:x', 'ab', 'b:a']) await c.set('glob/' + k, 1)
out.invalidateGlob = await c.invalidate('glob/a*')
out.invalidateRegExp = await c.invalidate(/^glob\\/b/)
out.globLeft = (await c.keys()).filter(k => k.startsWith('glob/'))
const ns = c.namespace('templates')
await ns.set('t', 'in templates')
out.namespace = { keys: await ns.keys(), inDefault: (await c.keys()).includes('t'), get: await c.get('t') }
try { c.namespace('plugin:x'); out.pluginNamespace = 'opened' } catch (e) { out.pluginNamespace = { name: e.name, code: e.code } }
out.keys = (await c.keys()).sort()
const stats = c.stats()
out.stats = { keys: Object.keys(stats).sort(), hitRate: stats.hitRate, expected: (stats.hits + stats.stale) / (stats.hits + stats.stale + stats.misses) }
const info = await c.info()
out.info = { driver: info.driver, dir: typeof info.dir, entries: info.entries, keys: out.keys.length, bytes: info.bytes > 0, namespaces: info.namespaces }
out.prune = await c.prune()
let warmed = 0
c.warm({ w1: async () => { warmed++; return 'warm' } })
for (let i = 0; i < 100 && !(await c.has('w1')); i++) await new Promise(r => setTimeout(r, 10))
out.warm = [await c.get('w1'), warmed]
if (kind === 'fs') {
  await c.set('damaged', 'hello world value')
  const dir = info.dir
  const file = dir + '/' + readdirSync(dir).find(n => n.startsWith('damaged'))
  const bytes = readFileSync(file); bytes[bytes.length - 2] ^= 0xff; writeFileSync(file, bytes)
}
// sliding: each hit extends the ttl (1.8 s of hits on a 1.5 s ttl); a namespace's driver replaces the root tiers
const sessions = c.namespace('sessions')
await sessions.set('active', 1); await sessions.set('idle', 1)
for (let i = 0; i < 3; i++) { await new Promise(r => setTimeout(r, 600)); await sessions.get('active') }
out.sliding = { active: await sessions.get('active'), idle: await sessions.get('idle') }
out.gitDriver = (await c.namespace('git').info()).driver
if (kind === 'fs') {
  // integrity: a mismatch on read is a miss, the entry removed
  await c.set('rotten', 'hello world value')
  const file = info.dir + '/' + readdirSync(info.dir).find(n => n.startsWith('rotten'))
  const bytes = readFileSync(file); bytes[bytes.length - 2] ^= 0xff; writeFileSync(file, bytes)
  out.rotten = [await c.get('rotten'), readdirSync(info.dir).some(n => n.startsWith('rotten'))]
}
out.verify = await c.verify()
out.afterVerify = await c.has('damaged')
// fetch: ETag revalidation
let requests = 0, notModified = 0
const server = createServer((req, res) => { requests++; if (req.headers['if-none-match'] === '"v1"') { notModified++; res.writeHead(304).end(); return } res.writeHead(200, { etag: '"v1"', 'cache-control': 'no-cache' }).end('body') })
await new Promise(r => server.listen(0, '127.0.0.1', r))
const url = 'http://127.0.0.1:' + server.address().port + '/x'
const r1 = await c.fetch(url); const b1 = await r1.text()
const r2 = await c.fetch(url); const b2 = await r2.text()
server.close()
out.fetch = { bodies: [b1, b2], status: [r1.status, r2.status], requests, notModified }
out.clear = await c.clear()
out.keysAfterClear = await c.keys()
out.nsAfterClear = await ns.keys()
await perf.close()
console.log(JSON.stringify(out))
`

// Buffers/Uint8Arrays inside values, written by one process and read by the next (no memory of the first)
const NESTED = `
import { createPerf } from 'unperf'
const [step, kind, url] = process.argv.slice(2)
const driver = kind === 'redis' ? { driver: 'redis', url } : kind === 'fs-lite' ? { driver: 'fs-lite', base: './store-nested' } : kind
const perf = await createPerf({ overrides: { cache: { driver, dir: './cache-nested-' + kind }, report: { console: false, dir: './.perf-nested-' + kind } } })
const c = perf.cache
const bytes = v => Buffer.isBuffer(v) ? ['Buffer', [...v]] : v instanceof Uint8Array ? ['Uint8Array', [...v]] : Array.isArray(v) ? v.map(bytes) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, e]) => [k, bytes(e)])) : v
let calls = 0
const thumb = c.cached(async n => { calls++; return { n, png: new Uint8Array([n, n]) } }, { name: 'thumb' })
const wrapped = () => c.wrap('w', async () => { calls++; return [Buffer.from('w'), new Uint8Array(0)] })
if (step === 'write') {
  await c.clear()
  await c.set('one', { name: 'a.png', data: Buffer.from([0, 255]) }, { metadata: { etag: 'e' } })
  await c.setMany([['m1', [Buffer.from('x'), new Uint8Array([1, 2])]], ['m2', { $bytes: 'AA', b: new Uint8Array([5]) }]])
  await wrapped(); await thumb(3)
}
const entry = await c.getEntry('one')
const out = { entry: bytes(entry.value), metadata: entry.metadata, many: (await c.getMany(['m1', 'm2', 'none'])).map(bytes), wrap: bytes(await wrapped()), cached: bytes(await thumb(3)), calls }
await perf.close()
console.log(JSON.stringify(out))
`

const drivers = ['memory', 'fs', ...(redisUrl ? ['redis'] : [])]
const nested: Record<string, any> = {}
// and an unstorage driver (fs-lite), the third byte tier
const nestedDrivers = ['fs', 'fs-lite', ...(redisUrl ? ['redis'] : [])]

beforeAll(() => {
  project = consumerProject({ 'cache.mjs': SCRIPT, 'nested.mjs': NESTED })
  for (const d of drivers) seen[d] = resultOf(nodeIn(project, 'cache.mjs', [d, redisUrl ?? '']))
  for (const d of nestedDrivers) nested[d] = ['write', 'read'].map(step => resultOf(nodeIn(project, 'nested.mjs', [step, d, redisUrl ?? ''])))
}, 600_000)

describe.each(drivers)('cache on %s', (driver) => {
  const out = () => seen[driver]

  it("round-trips JSON values and Buffer/Uint8Array exactly: '456' stays a string, null stays null", () => {
    expect(out().roundTrip).toEqual({
      str: ['string', '456'], num: ['number', 456], nul: null, bool: ['boolean', false], obj: ['object', { a: [1, '2', null], b: { c: 'd' } }],
      arr: ['object', [1, 'x']], empty: ['string', ''], buf: ['Buffer', [0, 1, 254, 255]], u8: ['Uint8Array', [9, 0, 7]],
      quoted: ['string', '"x"'], nullText: ['string', 'null'], zero: ['number', 0], neg: ['number', -1.5], huge: ['number', 1e308], emoji: ['string', '😀\u0000'], lone: ['string', '\ud800'],
      obj0: ['object', {}], arr0: ['object', []], arrNull: ['object', [null]], buf0: ['Buffer', []], view: ['Uint8Array', [5, 5, 5]], pooled: ['Buffer', [97, 98, 99]],
      bigStr: ['string', '456'.repeat(3000)], bigBuf: ['Buffer', Array(10000).fill(7)],
      inObj: ['object', { name: 'a.png', data: ['Buffer', [0, 1, 254, 255]] }], inArr: ['object', [['Buffer', [97, 98]], ['Uint8Array', [3]]]],
      inEmpty: ['object', [['Buffer', []], ['Uint8Array', []]]], inLook: ['object', { $bytes: 'AAE', buf: { type: 'Buffer', data: [1] }, b: ['Buffer', [1]] }],
      inBig: ['object', { rows: Array.from({ length: 300 }, (_, i) => ({ i, tag: 'row ' + i })), big: ['Buffer', Array(100000).fill(9)] }],
    })
  })

  it('get, getMany, setMany, has, delete', () => {
    expect(out().getMissing).toBeNull()
    expect(out().getMany).toEqual([['string', '456'], null, ['number', 456]])
    expect(out().setMany).toEqual([1, 'two'])
    expect(out().has).toEqual([true, false])
    expect(out().delete).toEqual([true, false])
  })

  it('getEntry: { value, createdAt, expiresAt, size, metadata } or null; ttl: false has no expiry', () => {
    expect(out().entry).toEqual({ keys: ['createdAt', 'expiresAt', 'metadata', 'size', 'value'], value: { x: 1 }, metadata: { etag: 'W/1' }, size: expect.any(Number), createdOk: true, ttl: 3_600_000 })
    expect(out().entry.size).toBeGreaterThan(0)
    expect(out().forever).toBeNull()
    expect(out().entryMissing).toBeNull()
  })

  it('wrap: one fn call per key, files join the key; cached: memoized by arguments', () => {
    expect(out().wrap).toEqual(['456', '456', 1])
    expect(out().wrapFiles).toEqual(['one', 'two'])
    expect(out().cached).toEqual([3, 3, 4, 2])
  })

  it("invalidate: a glob whose '*' matches ':' and '/', or a RegExp; returns the count", () => {
    expect(out().invalidateGlob).toBe(3)
    expect(out().invalidateRegExp).toBe(1)
    expect(out().globLeft).toEqual([])
  })

  it("namespaces have their own keys; 'plugin:*' is reserved", () => {
    expect(out().namespace).toEqual({ keys: ['t'], inDefault: false, get: null })
    expect(out().pluginNamespace).toEqual({ name: 'NamespaceAccessError', code: 'E_NAMESPACE_RESERVED' })
  })

  it('stats(): hits, misses, stale, sets, deletes, evictions, errors, hitRate; info(): driver, dir?, entries, bytes, namespaces', () => {
    expect(out().stats.keys).toEqual(expect.arrayContaining(['errors', 'evictions', 'deletes', 'hitRate', 'hits', 'misses', 'sets', 'stale']))
    expect(out().stats.hitRate).toBeCloseTo(out().stats.expected, 10)
    expect(out().info).toMatchObject({ driver, entries: out().info.keys, bytes: true, namespaces: expect.arrayContaining(['default', 'templates']) })
    expect(out().info.dir).toBe(driver === 'fs' ? 'string' : 'undefined')
    expect(out().prune).toBe(0)
  })

  it('warm fills keys in the background; verify() → { checked, corrupt, removed }', () => {
    expect(out().warm).toEqual(['warm', 1])
    const corrupt = driver === 'fs' ? 1 : 0
    expect(out().verify).toEqual({ checked: out().info.keys + 1 + corrupt, corrupt, removed: corrupt })
    expect(out().afterVerify).toBe(false)
  })

  it("sliding namespaces extend the ttl on each hit; a namespace's driver replaces the root tiers; a corrupt entry read is a miss, removed", () => {
    expect(out().sliding).toEqual({ active: 1, idle: null })
    expect(out().gitDriver).toBe('memory')
    if (driver === 'fs') expect(out().rotten).toEqual([null, false])
  })

  it('fetch revalidates with the ETag', () => {
    expect(out().fetch).toEqual({ bodies: ['body', 'body'], status: [200, 200], requests: 2, notModified: 1 })
  })

  it('clear() covers the default namespace alone and returns the count', () => {
    expect(out().clear).toBeGreaterThan(0)
    expect(out().keysAfterClear).toEqual([])
    expect(out().nsAfterClear).toEqual(['t'])
  })
})

describe.each(nestedDrivers)('Buffer/Uint8Array inside values on %s, across processes', (driver) => {
  it('getEntry, getMany/setMany, wrap and cached give them back exactly in the next process, fn not run again', () => {
    const [written, read] = nested[driver]
    const expected = {
      entry: { name: 'a.png', data: ['Buffer', [0, 255]] }, metadata: { etag: 'e' },
      many: [[['Buffer', [120]], ['Uint8Array', [1, 2]]], { $bytes: 'AA', b: ['Uint8Array', [5]] }, null],
      wrap: [['Buffer', [119]], ['Uint8Array', []]], cached: { n: 3, png: ['Uint8Array', [3, 3]] },
    }
    expect(written).toEqual({ ...expected, calls: 2 })
    expect(read).toEqual({ ...expected, calls: 0 })
  })
})
