// Test helper: validates documents against the shipped JSON Schema of the
// result (reporters/result.schema.json) with ajv.

import { Ajv } from "ajv";

const schema = JSON.parse(
  await Deno.readTextFile(new URL("../../reporters/result.schema.json", import.meta.url)),
);
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validate = ajv.compile(schema);

/** The schema's complaints about `doc` (empty when it is valid). */
export function schemaErrors(doc: unknown): string[] {
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`);
}

/** Throws, naming every complaint, unless `doc` is a valid result document. */
export function assertValidResult(doc: unknown): void {
  const errors = schemaErrors(doc);
  if (errors.length > 0) {
    throw new Error(`not a valid ipcspec result:\n  ${errors.slice(0, 20).join("\n  ")}`);
  }
}
