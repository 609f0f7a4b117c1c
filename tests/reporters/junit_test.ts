// JUnit XML: one testcase per spec and per sweep point, failures carrying
// the property, the story and the replay command; valid against the JUnit
// schema CI systems read.

import assert from "node:assert/strict";
import { check } from "../../checker/check.ts";
import { expectationText, meetsExpectation } from "../../checker/expectation.ts";
import { sweep } from "../../checker/sweep.ts";
import { formatJunit, junitCase, junitSweep } from "../../reporters/junit.ts";
import { bundledSpecs } from "./_bundled.ts";
import { junitErrors } from "./_junit_xsd.ts";

const bundled = await bundledSpecs();

Deno.test("junit: the bundled specs as one report, valid against junit-4.xsd", async () => {
  const byFile = new Map<string, ReturnType<typeof junitCase>[]>();
  for (const { file, spec } of bundled) {
    const r = check(spec);
    const c = junitCase(r, {
      file,
      replay: `ipcspec check ${file} --spec '${spec.name}' --replay {trace}`,
      expected: { verdict: expectationText(spec.expect), met: meetsExpectation(spec.expect, r) },
    });
    byFile.set(file, [...(byFile.get(file) ?? []), c]);
  }
  const xml = formatJunit([...byFile].map(([name, cases]) => ({ name, cases })));
  assert.deepEqual(await junitErrors(xml), []);
  assert.equal((xml.match(/<testcase /g) ?? []).length, bundled.length);
  assert.match(xml, /<testsuites name="ipcspec" tests="\d+" failures="0" errors="0"/);
});

Deno.test("junit: without --expect a violation is a failure with its story and replay", async () => {
  const b = bundled.find((x) => x.spec.name === "pc_swapped_waits")!;
  const r = check(b.spec);
  const c = junitCase(r, { file: b.file, replay: "ipcspec check x.ts --replay {trace}" });
  assert.equal(c.outcome, "failure");
  assert.equal(c.problem!.type, "deadlock");
  assert.match(c.problem!.message, /^violation of 'deadlock'/);
  assert.match(c.problem!.details, /producer#0/);
  const trace = `${r.violation!.init}:${r.violation!.transitions.join(",")}`;
  assert.ok(c.problem!.details.includes(`replay: ipcspec check x.ts --replay ${trace}`));
  const xml = formatJunit([{ name: b.file, cases: [c] }]);
  assert.deepEqual(await junitErrors(xml), []);
  assert.match(xml, /<failure type="deadlock" message="violation of &apos;deadlock&apos;/);
});

Deno.test("junit: a sweep gives one testcase per point", async () => {
  const b = bundled.find((x) => x.spec.name === "pc_swapped_waits")!;
  const r = sweep(b.spec, { items: "1..3" }, { all: true });
  const suite = junitSweep(r, { file: b.file, check: "ipcspec check x.ts --param items=1" });
  assert.equal(suite.cases.length, r.points.length);
  assert.ok(suite.cases.some((c) => c.problem?.details.includes("check: ipcspec check")));
  assert.deepEqual(await junitErrors(formatJunit([suite])), []);
});

Deno.test("junit: names and stories are escaped, control characters replaced", async () => {
  const xml = formatJunit([{
    name: `a "b" <c> & 'd'`,
    cases: [{
      name: "x\u0001y",
      classname: "f.ts",
      seconds: 0,
      outcome: "failure",
      problem: { type: "t", message: "m\nn", details: "<&>\u0000" },
    }],
  }]);
  assert.deepEqual(await junitErrors(xml), []);
  assert.match(xml, /name="a &quot;b&quot; &lt;c&gt; &amp; &apos;d&apos;"/);
  assert.match(xml, /message="m&#10;n"/);
  assert.ok(!xml.includes("\u0000"));
  assert.notDeepEqual(await junitErrors("<testsuites><testcase/></testsuites>"), []);
});
