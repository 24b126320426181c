import { describe, inject } from 'vitest'

/** The test redis-server's URL (globalSetup), or undefined when redis is missing on this machine. */
export const redisUrl: string | undefined = inject('redisUrl')

/** `describe` when a redis-server is available, else a loud `describe.skip`. */
export const describeRedis: typeof describe = redisUrl ? describe : (describe.skip as typeof describe)
