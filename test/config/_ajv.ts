import { Ajv2020 } from 'ajv/dist/2020.js'

/** ajv in strict mode (JSON Schema 2020-12): schema/perf.config.schema.json has standard keywords only. */
export function strictAjv(): Ajv2020 {
  return new Ajv2020({ strict: true, allErrors: true })
}
