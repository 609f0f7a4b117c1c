/**
 * The model layer: specs, the step language, typed variables, primitives,
 * and the {@linkcode Model} interface the checker searches.
 *
 * @module
 */

export * from "./model.ts";
export * from "./spec.ts";
export * from "./spec_error.ts";
export * from "./steps.ts";
export * from "./templates.ts";
export * from "./trace_events.ts";
export { traceRecorder } from "./_record.ts";
export { array, bool, int } from "./vars.ts";
export type {
  ArrayDecl,
  BoolDecl,
  IntArray,
  IntDecl,
  RangeOptions,
  Vals,
  ValueOf,
  VarDecl,
  VarDecls,
} from "./vars.ts";
export * from "./primitives/mod.ts";
export { evalExpr } from "./_ast.ts";
export type {
  AsyncEvents,
  Ctx,
  Delivery,
  Effect,
  Expr,
  Footprint,
  Into,
  IntoFn,
  OpImpl,
  Pred,
  PrimitiveImpl,
  ProcInfo,
  Source,
  ValueFn,
} from "./_ast.ts";
