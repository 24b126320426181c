/**
 * Builtins that are costly to load (crypto pulls in ~30 internal modules and the stream stack;
 * zlib too) are fetched when first used, never on the start path.
 */
export const crypto = (): typeof import('node:crypto') => process.getBuiltinModule('node:crypto') as typeof import('node:crypto')
export const zlib = (): typeof import('node:zlib') => process.getBuiltinModule('node:zlib') as typeof import('node:zlib')
