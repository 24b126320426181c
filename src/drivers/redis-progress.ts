/**
 * What a Redis connection is waiting for, to tell a Redis that does not answer from a process too
 * slow to hear it (timeout-blame.ts): whether Redis owes it an answer (its connect, or the replies
 * to commands written), and since when (performance.now() ms) the connection has not moved: a
 * connect begun or made, bytes received, or, while the connection is being made, a command of its
 * handshake written (ioredis writes CLIENT SETINFO once it has read its own package.json, INFO once
 * their replies are in: no reply marks those). While ioredis waits on this process (that file read,
 * a reconnect's delay), Redis owes nothing.
 *
 * Costs one `performance.now()` per chunk received; the handshake's writes are stamped through a
 * wrapper on the socket's `write`, removed once the connection is ready (a call's own commands are
 * written when it starts, or right after a reply: their time is known without it).
 */
import type { RedisClient } from './redis-connection.js'

interface Stream { write: (...args: unknown[]) => boolean; on(event: 'data', fn: () => void): unknown }
/** ioredis' commands written and not answered yet (internals: a client without them is taken to owe nothing). */
interface Internals { stream?: Stream; commandQueue?: { length: number } }

const moved = new WeakMap<RedisClient, { at: number }>()

/** Follows the client's connection from now on (its connect is begun when it is made). */
export function trackProgress(client: RedisClient): void {
  const state = { at: performance.now() }
  moved.set(client, state)
  const stamp = () => { state.at = performance.now() }
  // a reconnect's new attempt
  client.on('connecting', stamp)
  client.on('connect', () => {
    stamp()
    const stream = (client as unknown as Internals).stream
    if (stream === undefined) return
    stream.on('data', stamp)
    const write = stream.write
    stream.write = function (this: unknown, ...args: unknown[]) {
      stamp()
      return write.apply(this, args)
    }
  })
  // ready: the handshake's wrapper goes (the prototype's write again)
  client.on('ready', () => {
    const stream = (client as unknown as Internals).stream
    if (stream !== undefined && Object.hasOwn(stream, 'write')) delete (stream as Partial<Stream>).write
  })
}

/**
 * Since when the client's connection has waited for Redis without moving (see above), or undefined
 * when Redis owes it nothing: no connect under way, no command written and unanswered.
 */
export function owedSinceOf(client: RedisClient): number | undefined {
  const owes = client.status === 'connecting' || ((client as unknown as Internals).commandQueue?.length ?? 0) > 0
  return owes ? moved.get(client)?.at : undefined
}
