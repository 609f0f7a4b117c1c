/// <reference lib="dom" />
// The HTML report, the SVG chart and the Mermaid text of the four
// acceptance traces, in headless Chromium: the report opens from a file://
// URL with no network, stepping through it by clicking shows each step's
// state, and Mermaid's own parser accepts the diagrams.

import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { Mermaid } from "mermaid";
import { formatHtml, formatMermaid, formatSvg } from "../../reporters/mod.ts";
import type { TraceChart } from "../../mod.ts";
import { CASES, chartOf } from "../reporters/_charts.ts";
import { browserTest, npmPackageDir, screenshot } from "./_browser.ts";

/** The current-state panel's process table, as `name at locals` lines. */
async function shownProcesses(page: Page): Promise<string[]> {
  return await page.$$eval(
    "#current-state table.processes tr",
    (rows) =>
      rows.slice(1).map((r) =>
        [...r.querySelectorAll("td")].map((td) => td.textContent ?? "").join(" ")
      ),
  );
}

function expectedProcesses(chart: TraceChart, k: number): string[] {
  const s = k === 0 ? chart.initial : chart.steps[k - 1]!.state;
  return s.processes.map((p) =>
    `${p.name} ${p.at} ${p.locals.map((l) => `${l.name}=${l.value}`).join(" ")}`
  );
}

for (const name of Object.keys(CASES)) {
  browserTest(`the HTML report of ${name} steps through its trace offline`, async (ctx) => {
    const chart = await chartOf(name);
    const file = await Deno.makeTempFile({ prefix: `ipcspec-report-${name}-`, suffix: ".html" });
    await Deno.writeTextFile(file, formatHtml(chart));
    const requests: string[] = [];
    const page = await ctx.newPage();
    page.on("request", (r) => requests.push(r.url()));
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`file://${file}`);
    assert.match(await page.textContent("#verdict") ?? "", /VIOLATION of/);
    assert.equal(await page.textContent("#pos"), `initial state (${chart.steps.length} steps)`);
    assert.deepEqual(await shownProcesses(page), expectedProcesses(chart, 0));
    for (let k = 1; k <= chart.steps.length; k++) {
      await page.click("#next");
      assert.equal(await page.textContent("#pos"), `step ${k} of ${chart.steps.length}`);
      assert.deepEqual(
        await shownProcesses(page),
        expectedProcesses(chart, k),
        `${name} step ${k}`,
      );
      const lit = await page.$$eval(
        ".ipcspec-chart g.row.current",
        (gs) => gs.map((g) => g.getAttribute("data-step")),
      );
      assert.ok(
        lit.length > 0 && lit.every((s) => s === String(k - 1)),
        `${name} step ${k}: ${lit}`,
      );
    }
    await page.click("#prev");
    assert.equal(
      await page.textContent("#pos"),
      `step ${chart.steps.length - 1} of ${chart.steps.length}`,
    );
    await page.click("#last");
    const moved = await page.$$eval(
      "tr.step td:nth-child(5)",
      (tds) => tds.map((t) => t.textContent ?? ""),
    );
    const prims = await page.$$eval(
      "#current-state table.primitives tr",
      (rows) =>
        rows.map((r) =>
          [...r.querySelectorAll("td")].map((td) => td.textContent ?? "").join(" | ")
        ),
    );
    switch (name) {
      case "pc_swapped_waits": {
        const blocked = await page.$$eval(
          "#blocked tr",
          (rows) => rows.slice(1).map((r) => r.textContent),
        );
        assert.deepEqual(blocked, [
          "producer#0lock(mutex)lock(mutex) (held by consumer#0)",
          "consumer#0wait(full)wait(full) (full = 0)mutex",
        ]);
        assert.match(await page.textContent("#wait-for") ?? "", /waits on lock\(mutex\).*held by/);
        assert.ok(prims.includes("mutex mutex | held by consumer#0"), prims.join("; "));
        break;
      }
      case "mailbox_owner_exit":
        assert.equal(moved.at(-1), "LOST in A: 2 from sender#0 (owner#0 exited)");
        assert.ok(prims.includes("A mailbox | removed"), prims.join("; "));
        assert.match(
          await page.textContent(".ipcspec-chart") ?? "",
          /LOST message 2 from sender#0: owner#0 exited/,
        );
        break;
      case "sig_child_count_std":
        assert.equal(moved[2], "child#1 → parent#0: CHLD COALESCED (already pending: lost)");
        assert.match(
          await page.textContent(".ipcspec-chart") ?? "",
          /CHLD already pending for parent#0: coalesced/,
        );
        break;
      case "starving_consumer_weak":
        assert.match(await page.textContent("#cycle") ?? "", /Steps 5\.\.9 repeat for ever/);
        assert.equal(await page.locator("tr.step.cycle").count(), 5);
        break;
    }
    // A step expands into its full state.
    await page.click('tr.state-row[data-step="0"] summary');
    assert.ok(await page.isVisible('tr.state-row[data-step="0"] table.processes'));
    await screenshot(page, `report-${name}`);
    assert.deepEqual(requests.filter((u) => !u.startsWith("file:")), [], "no network");
    assert.deepEqual(errors, []);
    await Deno.remove(file);
  });
}

browserTest("the SVG charts are well-formed XML and the Mermaid text parses", async (ctx) => {
  const mermaidJs = `${await npmPackageDir("mermaid", "12.3.0")}/dist/mermaid.min.js`;
  const file = await Deno.makeTempFile({ prefix: "ipcspec-mermaid-", suffix: ".html" });
  await Deno.writeTextFile(
    file,
    `<!DOCTYPE html><html><head><meta charset="utf-8"><script src="file://${mermaidJs}"></script></head><body><div id="out"></div></body></html>`,
  );
  const page = await ctx.newPage();
  await page.goto(`file://${file}`);
  for (const name of Object.keys(CASES)) {
    const chart = await chartOf(name);
    const svg = formatSvg(chart);
    const parseError = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, "image/svg+xml");
      const err = doc.querySelector("parsererror");
      return err === null
        ? (doc.documentElement.nodeName === "svg" ? "" : "not svg")
        : err.textContent;
    }, svg);
    assert.equal(parseError, "", `${name}: ${parseError}`);
    const text = formatMermaid(chart);
    const parsed = await page.evaluate(async (src) => {
      const m = (globalThis as unknown as { mermaid: Mermaid }).mermaid;
      try {
        const r = await m.parse(src);
        if (!r) return "rejected";
        const { svg } = await m.render("d" + Math.floor(Math.random() * 1e9), src);
        document.getElementById("out")!.innerHTML = svg;
        return "";
      } catch (e) {
        return String(e);
      }
    }, text);
    assert.equal(parsed, "", `${name}: ${parsed}\n${text}`);
    const shown = await page.textContent("#out");
    for (const s of chart.steps.slice(0, 3)) {
      assert.ok(shown?.includes(s.operation), `${name}: ${s.operation}`);
    }
    await screenshot(page, `mermaid-${name}`);
  }
  await Deno.remove(file);
});
