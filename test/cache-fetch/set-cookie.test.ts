/**
 * Set-Cookie is never stored nor replayed from the cache, but the response a call got from the
 * network (MISS, REVALIDATED) is the caller's as fetch gives it: a CLI that starts a session from a
 * cacheable GET reads its cookie from the first answer.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createCachedFetch } from '../../src/runtime/cache/fetch.js'
import { realCache, server } from './_setup.js'

const onDisk = (dir: string): string => readdirSync(dir, { recursive: true, withFileTypes: true })
  .filter(d => d.isFile()).map(d => readFileSync(join(d.parentPath, d.name)).toString('latin1')).join('\n')

describe('cached fetch: Set-Cookie', () => {
  it("a MISS and a REVALIDATED carry the network's Set-Cookie headers; a HIT none; none reaches the disk", async () => {
    let n = 0
    const s = await server((req, res) => {
      n++
      const cookies = [`sid=SESSION-${n}; Path=/; HttpOnly`, `pref=dark-${n}`]
      if (req.headers['if-none-match'] === '"v"') return void res.writeHead(304, { etag: '"v"', 'cache-control': 'max-age=600', 'set-cookie': cookies }).end()
      res.writeHead(200, { etag: '"v"', 'cache-control': 'no-cache', 'set-cookie': cookies }).end('page')
    })
    const { cache, dir } = realCache()
    const f = createCachedFetch(cache, { ttl: 600_000, staleIfError: false })
    const plain = await fetch(`${s.url}/session`)
    expect(plain.headers.getSetCookie()).toEqual(['sid=SESSION-1; Path=/; HttpOnly', 'pref=dark-1'])
    const miss = await f(`${s.url}/session`)
    expect([miss.headers.get('x-unperf-cache'), miss.headers.getSetCookie()]).toEqual(['MISS', ['sid=SESSION-2; Path=/; HttpOnly', 'pref=dark-2']])
    const revalidated = await f(`${s.url}/session`)
    expect([revalidated.headers.get('x-unperf-cache'), revalidated.headers.getSetCookie()]).toEqual(['REVALIDATED', ['sid=SESSION-3; Path=/; HttpOnly', 'pref=dark-3']])
    const hit = await f(`${s.url}/session`)
    expect([hit.headers.get('x-unperf-cache'), hit.headers.getSetCookie(), await hit.text()]).toEqual(['HIT', [], 'page'])
    expect(onDisk(dir)).not.toMatch(/SESSION-|dark-/)
  })
})
