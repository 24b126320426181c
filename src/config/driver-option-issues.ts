/**
 * The config issues of a cache tier given as an object (resolve-cache.ts resolveDriver): a misspelt
 * option, a value of the wrong type, a redis url ioredis would misread. Error paths only: a deferred
 * module (scripts/build.mjs), off the start path every warm start reads.
 */
import { NotShown } from '../errors.js'
import type { Resolver } from './resolver.js'

type Issues = Pick<Resolver, 'issue'>

/**
 * What an ioredis option a redis tier does not take is in unperf (a config copied from an ioredis
 * setup): where the tier has its own, or what sets it.
 */
const REDIS_OPTION_HINTS: Record<string, string> = {
  keyPrefix: "; a prefix before unperf's keys is `base`",
  connectTimeout: "; a remote tier's timeout is cache.timeout",
  commandTimeout: "; a remote tier's timeout is cache.timeout",
  path: "; a unix socket is the url: its path alone ('/run/redis/redis.sock')",
}

/** An option a built-in driver does not take (`pasword`, a per-tier `timeout`): `known` its options. */
export function unknownDriverOption(r: Issues, path: string, driver: string, known: readonly string[], key: string): void {
  const hint = key === 'timeout' ? '; a remote tier\'s timeout is cache.timeout' : driver === 'redis' && Object.hasOwn(REDIS_OPTION_HINTS, key) ? REDIS_OPTION_HINTS[key] : ''
  r.issue(path, `an option of the ${driver} driver (${known.filter(k => k !== 'driver').join(', ') || 'none'})${hint}`, key)
}

/** An option of the wrong type; a `secret` one (a password, tls) told by its type only. */
export function driverOptionIssue(r: Issues, path: string, expected: string, value: unknown, secret: boolean | undefined): void {
  r.issue(path, expected, secret ? new NotShown(`${kindOf(value)} (value not shown)`) : value)
}

/** `unix:///run/redis.sock` (redis-py's and Sidekiq's form) is a path to ioredis: the path alone. */
const UNIX_SOCKET = "; a unix socket is its path alone ('/run/redis/redis.sock'), its database and password the options `db` and `password`"

const PERCENT_ENCODE = '; a password with # / ? @ or % in it goes percent-encoded (encodeURIComponent)'

/**
 * A redis url ioredis would misread: it reads 'redis//:pw@h' or 'ftp://h' as a host named 'redis' or
 * 'ftp', and throws on an unparsable one with the url (and its password) in the error; the value may
 * hold a password: not shown. White space around it (a CI secret stored with its newline) is said as
 * such, not as a password to encode.
 */
export function badRedisUrl(r: Issues, path: string, url: unknown): void {
  const spaced = typeof url === 'string' ? whiteSpaceAround(url) : undefined
  const hint = spaced ? `; without the white space ${spaced} (a secret stored with its newline?)`
    : typeof url === 'string' && /^rediss?:\/\//i.test(url) ? PERCENT_ENCODE
      : typeof url === 'string' && /^(redis\+)?unix:/i.test(url) ? UNIX_SOCKET : ''
  r.issue(path, `a redis url like 'redis://127.0.0.1:6379' or 'rediss://…' (or host:port, or a unix socket path)${hint}`, typeof url === 'string' ? urlShape(url) : new NotShown(kindOf(url)))
}

/** A redis url that parses but that ioredis would fail on (resolve-cache.ts redisUrlProblem's answer). */
export function redisUrlProblemIssue(r: Issues, path: string, problem: 'db' | 'userinfo'): void {
  if (problem === 'db') r.issue(path, "a redis url whose path (or ?db=) is a database number, like 'redis://127.0.0.1:6379/3'", new NotShown('another path (not shown)'))
  else r.issue(path, `a redis url with valid user info${PERCENT_ENCODE}`, new NotShown("a '%' not followed by two hex digits (value not shown)"))
}

/** 'a number', 'a string', 'an object', ...: what a value is, without the value. */
function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  const type = typeof value
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`
}

/** A wrong url, told by its scheme only (it may hold a password; white space before it skipped). */
function urlShape(url: string): string {
  const scheme = /^\s*([a-z][a-z0-9+.-]*):\/\//i.exec(url)
  return scheme ? `${scheme[1]}://… (rest not shown)` : 'an unparsable url (not shown)'
}

/**
 * Where a url has white space around it, if it does: a CI secret stored with its newline was told as
 * a password to percent-encode, with the value not shown.
 */
function whiteSpaceAround(url: string): string | undefined {
  const [start, end] = [/^\s/.test(url), /\s$/.test(url)]
  return start && end ? 'at its start and end' : start ? 'at its start' : end ? 'at its end' : undefined
}
