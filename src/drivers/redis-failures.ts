/**
 * Which failures of a remote tier's call say its connection is unusable, and which are one
 * command's (redis-health.ts marks the connection down for the first kind only). Apart from the
 * health's module: every cache tells them apart (its tiers' guards, its events), and a cache without
 * Redis never loads that one (tiers.ts).
 */
import type { Tier } from './types.js'

/**
 * A failure of one call, not of the tier: Redis answered (a full `noeviction` Redis refusing a write
 * with OOM, a replica with READONLY), or an entry too large for it was not sent. The tier stays in
 * use: its reads still work, where marking it down made every read of the process skip it.
 */
export function isCommandFault(tier: Tier, error: unknown): boolean {
  if (tier.health === undefined) return false
  const e = error as { name?: unknown; code?: unknown } | null
  // (a value that cannot be encoded, a BigInt or a cycle, is a TypeError of that one call, not a Redis that is down)
  return e?.code === 'E_TOO_LARGE' || error instanceof TypeError || (e?.name === 'ReplyError' && !isConnectionFailure(error))
}

/** A Cluster node's answer for a key it does not hold (MOVED, ASK) or a Cluster with slots unserved (CLUSTERDOWN). */
export function isClusterReply(error: unknown): boolean {
  const e = error as { name?: unknown; message?: unknown } | null
  return e?.name === 'ReplyError' && typeof e.message === 'string' && /^(MOVED|ASK|CLUSTERDOWN) /.test(e.message)
}

/** A failure that says the connection, not one command, is unusable. */
export function isConnectionFailure(error: unknown): boolean {
  const e = error as { name?: unknown; code?: unknown; message?: unknown; syscall?: unknown } | null | undefined
  if (e === null || typeof e !== 'object') return false
  if (e.code === 'E_TIMEOUT' || e.name === 'MaxRetriesPerRequestError' || e.message === 'Connection is closed.') return true
  // a socket error (ECONNREFUSED, ECONNRESET, ENOTFOUND, a TLS handshake's)
  if (typeof e.syscall === 'string' || (typeof e.code === 'string' && /^(E[A-Z]+$|ERR_TLS_|ERR_SSL_)/.test(e.code))) return true
  // replies that refuse the connection itself, not one command
  return e.name === 'ReplyError' && typeof e.message === 'string' && /^(NOAUTH|WRONGPASS|LOADING|MASTERDOWN|ERR DB index|ERR AUTH|ERR invalid password|MOVED |ASK |CLUSTERDOWN )/.test(e.message)
}
