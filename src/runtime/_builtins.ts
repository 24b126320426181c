/**
 * Builtins that are costly to load (crypto pulls in ~30 internal modules and the stream stack;
 * zlib too) are fetched when first used, never on the start path. Each is looked up once: a
 * process.getBuiltinModule call costs ~130 ns, and the envelope's checksum asks for zlib on every
 * cache read and write past its first few (crc32.ts).
 */
let _crypto: typeof import('node:crypto') | undefined
let _zlib: typeof import('node:zlib') | undefined
export const crypto = (): typeof import('node:crypto') => (_crypto ??= process.getBuiltinModule('node:crypto') as typeof import('node:crypto'))
export const zlib = (): typeof import('node:zlib') => (_zlib ??= process.getBuiltinModule('node:zlib') as typeof import('node:zlib'))
