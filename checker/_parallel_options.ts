// Private module: what a parallel check is given (the spec's module and
// export, the options), apart from the engine so that its coordinator and
// worker pool can name them without importing the engine. Re-exported by
// parallel.ts.

import type { SearchHooks, SearchLimits } from "./_search.ts";

/**
 * A spec a worker can load: the module that exports it, and the name of the
 * export.
 *
 * @example The bundled bounded buffer
 * ```ts
 * import type { SpecModule } from "./parallel.ts";
 * import assert from "node:assert/strict";
 *
 * const target: SpecModule = {
 *   module: new URL("../specs/pc_semaphore.ts", import.meta.url),
 *   export: "pcSemaphore",
 * };
 * const mod = await import(target.module.toString());
 * assert.equal(mod[target.export].name, "pc_semaphore");
 * ```
 */
export interface SpecModule {
  /** The module's URL (`import.meta.resolve(...)`, a `file:` URL, ...). */
  readonly module: string | URL;
  /** The name of the export (`pcSemaphore` for `export const pcSemaphore = spec(...)`). */
  readonly export: string;
}

/**
 * Options of {@linkcode checkParallel}.
 *
 * @example Two workers, a state limit
 * ```ts
 * import { checkParallel, type ParallelOptions } from "./parallel.ts";
 * import assert from "node:assert/strict";
 *
 * const options: ParallelOptions = { workers: 2, maxStates: 100, params: { producers: 2 } };
 * const r = await checkParallel(
 *   { module: new URL("../specs/pc_semaphore.ts", import.meta.url), export: "pcSemaphore" },
 *   options,
 * );
 * assert.equal(r.verdict, "incomplete");
 * assert.equal(r.incomplete?.reason, "max-states");
 * ```
 */
export interface ParallelOptions extends SearchLimits, SearchHooks {
  /** Parameter overrides (numbers, booleans, or their text). */
  params?: Readonly<Record<string, number | boolean | string>>;
  /** Workers to start (default: the number of logical cores). */
  workers?: number;
  /** Aborting it stops the search as `incomplete` (`interrupted`). */
  signal?: AbortSignal;
}
