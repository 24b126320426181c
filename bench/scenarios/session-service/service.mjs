// session-service: logins, reads and writes of user sessions kept in the cache namespace
// 'sessions' (ttl + sliding: a session lives as long as it is used). Every operation runs as a
// perf command, so its duration is judged against budgets.commands.<op>.p95 and exported on /metrics.
import { randomUUID } from 'node:crypto'
import { createPerf } from 'unperf'

export async function createSessionService({ rootDir }) {
  const perf = await createPerf({ rootDir })
  const sessions = perf.cache.namespace('sessions')
  // warm up before taking traffic: the first cache operation sets the namespace up (scope, tiers)
  const warmStart = performance.now()
  await sessions.has('warm-up')
  const warmUpMs = performance.now() - warmStart
  return {
    perf,
    sessions,
    warmUpMs,
    login: user => perf.run('session:login', async () => {
      const id = randomUUID()
      await sessions.set(id, { id, user, since: Date.now(), views: 0, cart: [] })
      return id
    }),
    /** The session, or null when it expired (or never existed). */
    read: id => perf.run('session:read', () => sessions.get(id)),
    /** Applies `update` to the session and stores it; null when it expired. */
    write: (id, update) => perf.run('session:write', async () => {
      const session = await sessions.get(id)
      if (session === null) return null
      const next = update(session)
      await sessions.set(id, next)
      return next
    }),
    logout: id => perf.run('session:logout', () => sessions.delete(id)),
    close: () => perf.close(),
  }
}
