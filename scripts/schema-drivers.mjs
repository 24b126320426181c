// The cache driver part of schema/perf.config.schema.json (scripts/schema-source.mjs): a tier's
// spec ('memory', 'fs', { driver, ...options } with the built-in drivers' options typed, an unstorage
// driver instance) and a driver config (one spec or tiers), as src/config/resolve-cache.ts checks them.

import { builtinDrivers } from 'unstorage'

/**
 * The names a `{ driver: name }` tier may have: unperf's tiers and unstorage's drivers, the names
 * `unstorage/drivers/<name>` imports (its list also has camelCase aliases, which do not), as
 * src/config/driver-names.ts checks them at load. Only the published schema enumerates them (an
 * editor flags `{ driver: 'reddis' }` as you type); unperf's validator takes any name, and the load's
 * own check says it, with its did-you-mean, at the name's key path, against the unstorage installed:
 * an enum there refused the whole tier ("cache.driver: expected a driver ('memory', 'fs', ...)")
 * beside that message, and would refuse a driver a newer unstorage than this list's adds (an editor
 * only flags it). A driver of one's own is an instance (the `getItem` branch), whatever its
 * `driver` field says.
 */
export const DRIVER_NAMES = [...new Set(['memory', 'fs', 'redis', ...Object.keys(builtinDrivers).filter(n => /^[a-z0-9-]+$/.test(n))])].sort()

/** `$defs.driverSpec` and `$defs.driverConfig`. */
export const driverDefs = {
  driverSpec: {
    anyOf: [
      // not 'redis' alone: a redis tier needs its url (or host), which only the object form has
      { enum: ['memory', 'fs'] },
      {
        type: 'object', required: ['driver'],
        // the built-in drivers' options, named for editors' completion; an unstorage driver's
        // options are its own. Their types (below: allOf, one if/then per built-in driver) are what
        // editors and ajv check; unperf checks the same at load (src/config/resolve-cache.ts), with
        // its own messages, which never show a credential's value
        properties: {
          driver: { type: 'string', minLength: 1, description: "'memory', 'fs', 'redis', or an unstorage driver's name ('lru-cache', 'fs-lite', ...)" },
          url: { description: "redis: a url like 'redis://127.0.0.1:6379' or 'rediss://user:pass@host:6380/0' (or host/port)" },
          host: { description: 'redis: the host name (instead of url)' },
          port: { description: 'redis: the port, 1 to 65535 (digits in a string too: an environment variable)' },
          db: { description: 'redis: the database number' },
          username: { description: 'redis: the ACL user name' },
          password: { description: 'redis: the password (never written to reports or logs)' },
          tls: { description: 'redis: true, or an object of TLS options (node:tls)' },
          base: { description: "fs: the directory of this tier (default: cache.dir); redis: a prefix before unperf's keys" },
        },
        allOf: [
          driverOptions('memory', {}),
          driverOptions('fs', { base: { type: 'string', minLength: 1, description: 'a directory path (a non-empty string)' } }),
          driverOptions('redis', {
            // what ioredis reads as intended: redis:// or rediss:// urls, host[:port], a unix socket path
            url: { type: 'string', pattern: '^([rR][eE][dD][iI][sS][sS]?://\\S+|/\\S*|[\\w.-]+(:\\d{1,5})?)$', description: "a redis url like 'redis://127.0.0.1:6379' or 'rediss://…' (or host:port, or a unix socket path)" },
            host: { type: 'string', minLength: 1, description: 'a host name (a non-empty string)' },
            // digits in a string too (`port: process.env.REDIS_PORT`)
            port: { anyOf: [{ type: 'integer', minimum: 1, maximum: 65535 }, { type: 'string', pattern: '^\\s*0*([1-9]\\d{0,3}|[1-5]\\d{4}|6[0-4]\\d{3}|65[0-4]\\d{2}|655[0-2]\\d|6553[0-5])\\s*$' }], description: 'an integer from 1 to 65535' },
            db: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: '^\\s*\\d{1,9}\\s*$' }], description: 'an integer ≥ 0 (the database number)' },
            username: { type: 'string', description: 'a string' },
            password: { type: 'string', description: 'a string' },
            tls: { anyOf: [{ type: 'boolean' }, { type: 'object' }], description: 'true, false or an object of TLS options' },
            base: { type: 'string', description: 'a key prefix (a string)' },
          }, { anyOf: [{ required: ['url'], properties: { url: {} } }, { required: ['host'], properties: { host: {} } }] }),
        ],
      },
      { type: 'object', required: ['getItem'], properties: { getItem: {} }, 'x-driver-instance': true },
    ],
    'x-expected': "'memory', 'fs', { driver: 'redis', url } (a redis tier needs its url), { driver: name, ...options } or an unstorage driver",
  },
  driverConfig: {
    anyOf: [{ $ref: '#/$defs/driverSpec' }, { type: 'array', minItems: 1, items: { $ref: '#/$defs/driverSpec' } }],
    'x-expected': "a driver ('memory', 'fs', { driver: 'redis', url }, { driver, ... }) or an array of them (tiers, fastest first)",
  },
}

/**
 * A built-in driver's options with their types (`if` the tier is that driver, `then` these and no
 * other keys), as src/config/resolve-cache.ts checks them at load.
 */
function driverOptions(name, properties, extra = {}) {
  return {
    if: { properties: { driver: { const: name } }, required: ['driver'] },
    then: { properties: { driver: {}, ...properties }, additionalProperties: false, ...extra },
  }
}
