/**
 * What `definePerfConfig` checks a `plugins` list against: each entry's options against the
 * options type of its own plugin. `PerfConfig` alone cannot: its entry type must take every plugin
 * with every option type, and TypeScript has no type for "a plugin and options of that plugin's
 * type". So `definePerfConfig` infers one options type per entry (`P`, a tuple: the type `O` of
 * each `PerfPlugin<O>`, read from the plugin, never from the options written next to it) and checks
 * the entry against {@link PluginEntry}.
 *
 * Types only: `unperf/config` re-exports them for free.
 */
import type { PerfPlugin } from '../hooks/plugin-types.js'
import type { PerfConfig, PerfConfigBase, PluginConfigEntry } from './types.js'

/**
 * What a plugin with required options is checked against when given without them: the property's
 * name is the message TypeScript prints (`Property 'this plugin has required options: ...' is missing`).
 */
export interface PluginWithRequiredOptions<O> {
  readonly name: string
  readonly 'this plugin has required options: write [plugin, options]': O
}

/**
 * One `plugins` entry whose plugin takes options of type `O`:
 * - a module specifier, alone or with options (`'my-plugin'`, `['./p.mjs', { ... }]`): its options
 *   type is not known before it is loaded, so any object;
 * - the plugin object, alone or as `[plugin]`, when every option is optional;
 * - `[plugin, options]`, the options of type `O` (a wrong type, a missing required option or an
 *   unknown key is a type error).
 *
 * `PluginEntry<never>`, where no options type could be inferred (a list typed `PluginConfigEntry[]`
 * elsewhere), is the unchecked {@link PluginConfigEntry}.
 */
export type PluginEntry<O> = [O] extends [never] ? PluginConfigEntry : CheckedPluginEntry<O>

/** {@link PluginEntry} of a plugin whose options type is known. A named alias: TypeScript's errors name it. */
export type CheckedPluginEntry<O> =
  | string
  | readonly [specifier: string, options?: Record<string, unknown>]
  | ({} extends O ? PluginWithOptionalOptions<O> : PluginAndRequiredOptions<O>)

/**
 * `O`, not inferred from the options written beside the plugin (TypeScript 5.4's `NoInfer<O>`, which
 * TypeScript 5.0 to 5.3 do not have: the declarations failed there without skipLibCheck).
 */
export type NotInferred<O> = [O][O extends unknown ? 0 : never]

/** A plugin whose options are all optional: alone, as `[plugin]`, or as `[plugin, options]`. */
export type PluginWithOptionalOptions<O> = PerfPlugin<O> | readonly [plugin: PerfPlugin<O>, options?: NotInferred<O>]

/** A plugin with a required option: `[plugin, options]` only (the other two members name the mistake). */
export type PluginAndRequiredOptions<O> =
  | readonly [plugin: PerfPlugin<O>, options: NotInferred<O>]
  | PluginWithRequiredOptions<O>
  | readonly [PluginWithRequiredOptions<O>]

/**
 * A `plugins` list whose `K`th entry takes the options `P[K]`; `readonly []` so that
 * `ci ? [plugin] : []` is inferred from its non-empty branch and still fits. `P` is unconstrained (it is an array
 * once inferred) so that it can be inferred through `$env`'s names: a constraint there would make
 * a layer without `plugins` fail the inference of the other layers' lists.
 */
export type PluginList<P> = { [K in keyof P]: IsTuple<P> extends true ? PluginEntry<P[K]> : PluginConfigEntry } | []

/**
 * Whether `P` was inferred from a list whose entries are known one by one (a literal, a spread):
 * a list built elsewhere (`const list = [a, [b, opts]]`, an array type) is not checked entry by
 * entry (its inferred options would be every plugin's at once) but as {@link PluginConfigEntry}s.
 */
type IsTuple<P> = P extends readonly unknown[] ? number extends P['length'] ? false : true : false

/** A config layer (`$development`, `$test`, `$production`, one of `$env`) with its plugins checked; no `extends` (top level only). */
export interface PerfConfigLayerInput<P> extends Omit<PerfConfigBase, 'plugins' | 'extends'> {
  /** Plugins of this layer, after those of the layers below it. See {@link PerfConfigInput.plugins}. */
  plugins?: PluginList<P> | undefined
}

/**
 * What `definePerfConfig` takes: {@link PerfConfig}, with each plugin's options checked against the
 * plugin's own options type. One type parameter per list: the top level's, `$development`'s,
 * `$test`'s, `$production`'s and one per `$env` name. All are inferred; never write them.
 */
export interface PerfConfigInput<
  P extends readonly unknown[] = [],
  D extends readonly unknown[] = [],
  T extends readonly unknown[] = [],
  Pr extends readonly unknown[] = [],
  E extends Record<string, unknown> = {},
> extends Omit<PerfConfig, 'plugins' | '$development' | '$test' | '$production' | '$env'> {
  /**
   * Plugin objects, module specifiers (relative to `rootDir`, or package names) and
   * `[plugin, options]`. The options are checked against the plugin's own type
   * (`definePerfPlugin<{ remote: string }>(...)`); a plugin with a required option must be given
   * with its options.
   */
  plugins?: PluginList<P> | undefined
  /** Merged over the rest when the environment (`PERF_ENV`, else `NODE_ENV`) is `development`. */
  $development?: PerfConfigLayerInput<D> | undefined
  /** Merged over the rest when the environment (`PERF_ENV`, else `NODE_ENV`) is `test`. */
  $test?: PerfConfigLayerInput<T> | undefined
  /** Merged over the rest when the environment (`PERF_ENV`, else `NODE_ENV`, else `production`) is `production`. */
  $production?: PerfConfigLayerInput<Pr> | undefined
  /** Layers per environment name (`PERF_ENV`, else `NODE_ENV`, else `production`); a block set to `undefined` is absent. */
  $env?: { [Name in keyof E]: PerfConfigLayerInput<E[Name]> | undefined } | undefined
}
