/// <reference lib="dom" />
// The explorer in headless Chromium: for each acceptance spec, step
// through its counterexample by clicking the enabled transitions, check the
// state table and the chart as they grow, go back, jump to the
// counterexample the explorer found, and keep a screenshot.

import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { serveExplorer } from "../../explorer/mod.ts";
import type { TraceChart } from "../../mod.ts";
import { CASES, chartOf, specOf } from "../reporters/_charts.ts";
import { browserTest, screenshot } from "./_browser.ts";

async function processes(page: Page): Promise<string[]> {
  return await page.$$eval("#state table", (tables) => {
    const t = tables.find((x) => x.querySelector("caption")?.textContent === "processes");
    return [...(t?.querySelectorAll("tr") ?? [])].slice(1).map((r) =>
      [...r.querySelectorAll("td")].map((td) => td.textContent ?? "").join(" ")
    );
  });
}

function expected(chart: TraceChart, k: number): string[] {
  const s = k === 0 ? chart.initial : chart.steps[k - 1]!.state;
  return s.processes.map((p) =>
    `${p.name} ${p.at} ${p.locals.map((l) => `${l.name}=${l.value}`).join(" ")}`
  );
}

async function at(page: Page, pos: string): Promise<void> {
  await page.waitForFunction((want) => document.getElementById("pos")?.textContent === want, pos);
}

for (const name of Object.keys(CASES)) {
  browserTest(`the explorer steps through the counterexample of ${name}`, async (ctx) => {
    const chart = await chartOf(name);
    const ex = serveExplorer({ spec: await specOf(name), params: CASES[name]!.params });
    try {
      const page = await ctx.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      const requests: string[] = [];
      page.on("request", (r) => requests.push(r.url()));
      await page.goto(ex.url);
      await at(page, "initial state");
      assert.deepEqual(await processes(page), expected(chart, 0));
      for (let k = 1; k <= chart.steps.length; k++) {
        const s = chart.steps[k - 1]!;
        const button = page.locator(`#enabled button.take[data-transition="${s.transition}"]`);
        assert.equal(await button.textContent(), `${s.process} ${s.operation}`);
        await button.click();
        await at(page, `step ${k}`);
        assert.deepEqual(await processes(page), expected(chart, k), `${name} step ${k}`);
        assert.ok(
          await page.locator(`#chart g.row[data-step="${k - 1}"]`).count() > 0,
          `${name}: the chart shows step ${k}`,
        );
        assert.equal(await page.locator("#steps li").count(), k);
      }
      const steps = await page.$$eval("#steps li", (lis) => lis.map((li) => li.textContent ?? ""));
      const status = await page.textContent("#status") ?? "";
      const chartText = await page.textContent("#chart") ?? "";
      switch (name) {
        case "pc_swapped_waits":
          assert.match(status, /VIOLATION of deadlock/);
          assert.match(status, /producer#0lock\(mutex\)lock\(mutex\) \(held by consumer#0\)/);
          assert.match(status, /consumer#0wait\(full\)wait\(full\) \(full = 0\)mutex/);
          assert.match(chartText, /blocked at lock\(mutex\)/);
          break;
        case "mailbox_owner_exit":
          assert.match(steps.at(-1)!, /LOST in A: 2 from sender#0 \(owner#0 exited\)/);
          assert.match(status, /VIOLATION of A: no loss/);
          assert.match(chartText, /LOST message 2 from sender#0: owner#0 exited/);
          break;
        case "sig_child_count_std":
          assert.match(steps[2]!, /CHLD COALESCED \(already pending: lost\)/);
          assert.match(status, /VIOLATION of every exit counted/);
          assert.match(chartText, /CHLD already pending for parent#0: coalesced/);
          break;
      }
      await page.click("#back");
      await at(page, `step ${chart.steps.length - 1}`);
      // Jump to the counterexample the explorer found at start.
      assert.equal(await page.isDisabled("#jump"), false);
      await page.click("#jump");
      await at(page, `step ${chart.steps.length}`);
      if (name === "starving_consumer_weak") {
        assert.match(
          await page.textContent("#status") ?? "",
          /cycle: steps 5\.\.9 repeat for ever/,
        );
        assert.match(await page.textContent("#chart") ?? "", /cycle: steps 5\.\.9 repeat for ever/);
      }
      // Load a trace: the first two steps.
      await page.fill(
        "#load-text",
        `0:${chart.steps.slice(0, 2).map((s) => s.transition).join(",")}`,
      );
      await page.click("#load");
      await at(page, "step 2");
      assert.deepEqual(await processes(page), expected(chart, 2));
      await page.click("#reset");
      await at(page, "initial state");
      await page.click("#check");
      await page.waitForFunction(() =>
        /VIOLATION/.test(document.getElementById("checked")?.textContent ?? "")
      );
      await page.click("#jump");
      await at(page, `step ${chart.steps.length}`);
      await screenshot(page, `explorer-${name}`);
      assert.deepEqual(errors, []);
      assert.deepEqual(requests.filter((u) => !u.startsWith(ex.url)), [], "nothing from elsewhere");
    } finally {
      await ex.shutdown();
    }
  });
}
