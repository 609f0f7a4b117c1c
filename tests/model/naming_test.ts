// Names a report depends on: empty or duplicate names are rejected when the
// spec is defined or built, so a report always says which property failed.

import assert from "node:assert/strict";
import { spec, system } from "../../mod.ts";

function withProperties(names: readonly [string, string]) {
  return spec({
    name: "props",
    params: {},
    build: () => {
      const sys = system({ x: 0 });
      sys.process("p", {}, (s) => [s.do("inc", ({ g }) => g.x++)]);
      sys.always(names[0], ({ g }) => g.x >= 0);
      sys.atEnd(names[1], ({ g }) => g.x === 1);
      return sys;
    },
  });
}

Deno.test("naming: a spec with an empty name is refused", () => {
  assert.throws(
    () => spec({ name: " ", params: {}, build: () => system({}) }),
    { name: "TypeError", message: "Cannot define a spec: its name is empty" },
  );
});

Deno.test("naming: two properties with one name are refused", () => {
  assert.throws(
    () => withProperties(["same", "same"]).compile(),
    { message: "Cannot check 'props': two properties are named 'same'" },
  );
});

Deno.test("naming: a property with an empty name is refused", () => {
  assert.throws(
    () => withProperties(["", "end"]).compile(),
    { message: "Cannot check 'props': a property has an empty name" },
  );
});

Deno.test("naming: distinct names compile", () => {
  assert.deepEqual(
    withProperties(["nonnegative", "one"]).compile().properties.map((p) => p.name),
    ["deadlock", "nonnegative", "one"],
  );
});
