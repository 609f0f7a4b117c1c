// Size guards: a process count, an array length, a state width or a
// parameter value beyond the limits is refused with a message naming it.

import assert from "node:assert/strict";
import { array, channel, spec, system } from "../../mod.ts";
import { MAX_ARRAY, MAX_COPIES, MAX_WIDTH } from "../../model/_limits.ts";

const sized = spec({
  name: "sized",
  params: { workers: 2, cells: 3, slots: 1 },
  build: (p) => {
    const sys = system({ buf: array(p.cells), copy: array(p.cells) });
    const ch = channel("ch", p.slots);
    sys.process("worker", { count: p.workers, locals: { got: 0 } }, (s) => [
      s.send(ch, () => 1),
      s.recv(ch, "got"),
    ]);
    return sys;
  },
});

Deno.test("limits: a process count above the limit names the parameter", () => {
  assert.throws(
    () => sized.compile({ workers: MAX_COPIES + 1 }),
    {
      message: `Cannot check 'sized': process 'worker': count is ${
        MAX_COPIES + 1
      }, more than the limit ${MAX_COPIES} (the value of parameter 'workers')`,
    },
  );
});

Deno.test("limits: an array longer than the limit names the parameter", () => {
  assert.throws(
    () => sized.compile({ cells: 100_000_000 }),
    {
      message:
        `Cannot check 'sized': array 'buf': length is 100000000, more than the limit ${MAX_ARRAY} (the value of parameter 'cells')`,
    },
  );
});

Deno.test("limits: a state wider than the limit is refused", () => {
  assert.throws(
    () => sized.compile({ cells: 40_000 }),
    {
      message:
        `Cannot check 'sized': the state's width in slots is 80006, more than the limit ${MAX_WIDTH}`,
    },
  );
});

Deno.test("limits: a parameter beyond 32 bits is refused by name", () => {
  assert.throws(
    () => sized.compile({ workers: "99999999999" }),
    {
      message:
        "Cannot check 'sized': parameter 'workers' must be a 32-bit integer (-2147483648 to 2147483647), got 99999999999",
    },
  );
});

Deno.test("limits: the configurations within the limits still compile", () => {
  assert.equal(sized.compile({ workers: 3 }).processes?.names.length, 3);
});
