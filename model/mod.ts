/**
 * The model layer: specs, the step language, typed variables, the
 * primitives, properties and templates: everything a spec is written with.
 *
 * The {@linkcode Checkable} a spec is, the property kinds and the parts of
 * a trace are here too. The `Model` interface the checker's
 * engines search, and the interfaces a primitive implements, are in the
 * extension entry (`extend.ts`), with the rest of what a new primitive or
 * engine needs.
 *
 * @module
 */

export type {
  BlockedProcess,
  Change,
  Checkable,
  CompileOptions,
  Fairness,
  PropertyKind,
} from "./model.ts";
export * from "./spec.ts";
export * from "./spec_error.ts";
export * from "./steps.ts";
export { message, range } from "./message.ts";
export type { FieldType, FieldTypes, MessageOf, MessageType } from "./message.ts";
export * from "./templates.ts";
export * from "./trace_events.ts";
export { traceRecorder } from "./_record.ts";
export { Drive } from "./drive.ts";
export type { Call, DriveOptions, Outcome, Outputs } from "./drive.ts";
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
export type { BufferPart, Expr, Into, Match, Step } from "./_ast.ts";
