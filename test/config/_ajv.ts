import { Ajv2020 } from 'ajv/dist/2020.js'

/**
 * ajv in strict mode (JSON Schema 2020-12), told of the one keyword of schema/perf.config.schema.json
 * that is not JSON Schema's: VS Code's `markdownDescription` (a key's doc on hover), which a strict
 * validator must be told of, as for any schema that has it (SchemaStore's too).
 */
export function strictAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true })
  ajv.addKeyword('markdownDescription')
  return ajv
}
