import assert from "node:assert/strict";
import { check, explainTrace } from "../mod.ts";
import { drawPictures, wantsPictures } from "../cli/_pictures.ts";
import { startExplore } from "../cli/explore.ts";
import { main } from "../cli/main.ts";
import { specOf } from "./reporters/_charts.ts";

Deno.test("check pictures: Mermaid on stdout, SVG and HTML files", async () => {
  const spec = await specOf("sig_child_count_std");
  const result = check(spec, {});
  const dir = await Deno.makeTempDir({ prefix: "ipcspec-pictures-" });
  try {
    const p = await drawPictures(spec, {}, result, {
      format: "mermaid",
      svg: `${dir}/c.svg`,
      html: `${dir}/c.html`,
    }, {
      replay: (t) => `ipcspec check specs/sig_child_count.ts --replay ${t}`,
      coverage: "coverage: 1 of 1 blocking steps reached",
    });
    assert.match(p.out ?? "", /^sequenceDiagram\n/);
    assert.match(p.out ?? "", /coalesced/);
    assert.deepEqual(p.wrote, [`${dir}/c.svg`, `${dir}/c.html`]);
    assert.match(await Deno.readTextFile(`${dir}/c.svg`), /<svg xmlns/);
    const html = await Deno.readTextFile(`${dir}/c.html`);
    assert.match(html, /ipcspec check specs\/sig_child_count\.ts --replay 0:2,1,4,5,3,0/);
    assert.match(html, /<th>states<\/th><td>27<\/td>/);
    assert.match(html, /<pre id="coverage">coverage: 1 of 1 blocking steps reached<\/pre>/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.equal(wantsPictures({ format: "text" }), false);
  assert.equal(wantsPictures({ format: "text", html: "x" }), true);
});

Deno.test("check pictures: the state graph as DOT and SVG, refused when too large", async () => {
  const spec = await specOf("pc_swapped_waits");
  const result = check(spec, {});
  const dir = await Deno.makeTempDir({ prefix: "ipcspec-pictures-" });
  try {
    const p = await drawPictures(spec, {}, result, { format: "dot", svg: `${dir}/g.svg` });
    assert.match(p.out ?? "", /^digraph "pc_swapped_waits" \{/);
    assert.match(await Deno.readTextFile(`${dir}/g.svg`), /<svg/);
    const small = await drawPictures(spec, {}, result, { format: "dot", graphLimit: 10 });
    assert.match(small.refused ?? "", /^Cannot draw the state graph of 'pc_swapped_waits'/);
    assert.equal(small.out, undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("pictures of a replayed lasso and of an ok verdict", async () => {
  const spec = await specOf("starving_consumer_weak");
  const model = spec.compile();
  const cx = check(model).violation!;
  const story = explainTrace(model, cx);
  assert.ok(typeof story !== "string");
  const p = await drawPictures(spec, {}, { ...story, loopStart: cx.loopStart! }, {
    format: "mermaid",
  });
  assert.match(p.out ?? "", /loop cycle: steps 5\.\.9 repeat for ever/);
  assert.doesNotMatch(p.out ?? "", /VIOLATION of ''/);
  const ok = await specOf("pc_swapped_waits");
  const r = check(ok, { params: { items: 0 } });
  const q = await drawPictures(ok, { items: 0 }, r, { format: "mermaid" });
  assert.match(q.out ?? "", /title pc_swapped_waits: ok/);
});

Deno.test("explore: bad arguments are refused", async () => {
  const lines: string[] = [];
  const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) };
  await assert.rejects(
    () => startExplore(["specs/starving_consumer.ts"], {}, io),
    /explore needs exactly one spec; .*pick one with --spec name/,
  );
  await assert.rejects(
    () => startExplore(["specs/pc_swapped_waits.ts"], { port: "x" }, io),
    /--port must be a port number/,
  );
  await assert.rejects(
    () => startExplore(["specs/pc_swapped_waits.ts"], { replay: "0:99" }, io),
    /Cannot explore 'pc_swapped_waits'/,
  );
  await assert.rejects(
    () => startExplore(["specs/pc_swapped_waits.ts"], { "max-states": "3" }, io),
    /explore does not take --max-states/,
  );
  const ex = await startExplore(
    ["specs/pc_swapped_waits.ts"],
    { replay: "0:0,7,8,15", param: ["items=2"] },
    io,
  );
  assert.equal(ex.session.view().step, 4);
  await ex.shutdown();
});

Deno.test("the CLI draws pictures: --format mermaid|dot, --svg, --html, on check and replay", async () => {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
  const dir = await Deno.makeTempDir({ prefix: "ipcspec-cli-pictures-" });
  try {
    assert.equal(await main(["check", "specs/pc_swapped_waits.ts", "--format", "mermaid"], io), 1);
    assert.match(
      out.join("\n"),
      /^sequenceDiagram\n {2}title pc_swapped_waits: VIOLATION of 'deadlock'/,
    );
    out.length = 0;
    assert.equal(
      await main([
        "check",
        "specs/mailbox_owner_exit.ts",
        "--spec",
        "mailbox_owner_exit",
        "--param",
        "capacity=1",
        "--svg",
        `${dir}/a.svg`,
        "--html",
        `${dir}/a.html`,
      ], io),
      1,
    );
    assert.match(out.join("\n"), /VIOLATION of 'A: no loss'/); // the text report as well
    assert.deepEqual(err, [`wrote ${dir}/a.svg`, `wrote ${dir}/a.html`]);
    assert.match(await Deno.readTextFile(`${dir}/a.svg`), /LOST message 2 from sender#0/);
    assert.match(
      await Deno.readTextFile(`${dir}/a.html`),
      /--spec mailbox_owner_exit --param capacity=1 --replay 0:0,4,3,2,0,5,8,4,7,6/,
    );
    out.length = 0;
    err.length = 0;
    assert.equal(
      await main(
        ["check", "specs/pc_swapped_waits.ts", "--format", "dot", "--graph-limit", "5"],
        io,
      ),
      1,
    );
    assert.match(err[0]!, /^Cannot draw the state graph of 'pc_swapped_waits': it has more than 5/);
    out.length = 0;
    assert.equal(
      await main([
        "check",
        "specs/starving_consumer.ts",
        "--spec",
        "starving_consumer_weak",
        "--replay",
        "0:1,0,4,3,2,1,0,4,3",
        "--format",
        "mermaid",
      ], io),
      0,
    );
    assert.match(out.join("\n"), /loop cycle: steps 5\.\.9 repeat for ever/);
    err.length = 0;
    assert.equal(await main(["simulate", "specs/pc_swapped_waits.ts", "--html", "x"], io), 3);
    assert.match(err.join("\n"), /simulate does not take --html/);
    assert.equal(await main(["check", "specs/", "--html", "x"], io), 3);
    assert.match(err.join("\n"), /--svg and --html need exactly one spec/);
    assert.equal(await main(["check", "specs/pc_swapped_waits.ts", "--port", "1"], io), 3);
    assert.match(err.join("\n"), /--port is an option of explore, not of check/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
