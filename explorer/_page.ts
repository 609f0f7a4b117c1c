// Private module: the explorer's one page (HTML, CSS and script in one
// string, so everything the explorer serves is in the package: no CDN).
// The script asks the server for the view as JSON and posts each action.

/** The explorer's page. */
export const PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ipcspec explorer</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;color:#202124}
header{padding:.6em 1em;background:#f1f3f4;border-bottom:1px solid #dadce0}
header h1{display:inline;font-size:1.2em;margin-right:1em}
main{display:grid;grid-template-columns:minmax(300px,1fr) 2fr;gap:1em;padding:1em}
section{margin-bottom:1em}
h2{font-size:1em;margin:.2em 0}
button{margin:2px}
#enabled button.take{display:block;width:100%;text-align:left;padding:4px 6px}
#enabled .changes{color:#5f6368;font-size:.85em;margin:0 0 4px 10px}
#enabled .fails{color:#c5221f}
table{border-collapse:collapse;margin:.3em 0}
td,th{border:1px solid #dadce0;padding:2px 6px;text-align:left;vertical-align:top}
caption{text-align:left;font-weight:bold}
#chart{overflow:auto;border:1px solid #dadce0;max-height:70vh}
.bad{color:#c5221f;font-weight:bold}
#error{color:#c5221f}
textarea{width:100%;height:3em}
#steps li{font-size:.9em}
#steps li .ev{color:#5f6368}
</style></head><body>
<header><h1 id="spec">ipcspec explorer</h1>
<span id="pos"></span>
<button id="back" type="button">◀ back</button>
<button id="reset" type="button">« initial state</button>
<button id="check" type="button">check from here</button>
<button id="jump" type="button" disabled>jump to counterexample</button>
<span id="checked"></span>
<div id="error" role="alert"></div></header>
<main>
<div>
<section><h2>Enabled transitions</h2><div id="enabled"></div></section>
<section id="status"></section>
<section><h2>State</h2><div id="state"></div></section>
<section><h2>Per process</h2><div id="per-process"></div></section>
<section><h2>Load a trace, schedule file or ITF trace</h2>
<textarea id="load-text" placeholder="0:3,1,4, or a schedule file or ITF trace"></textarea>
<button id="load" type="button">load</button>
<input id="load-file" type="file" accept=".json,.txt"></section>
</div>
<div>
<section><h2>Trace <code id="trace"></code></h2><ol id="steps"></ol></section>
<section><h2>Sequence chart</h2><div id="chart"></div></section>
</div>
</main>
<script>
(() => {
  const $ = (id) => document.getElementById(id);
  const el = (tag, text, cls) => {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  };
  async function call(path, body) {
    const r = await fetch(path, body === undefined ? {} : {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const v = await r.json();
    $("error").textContent = v.error || "";
    if (v.view) render(v.view);
  }
  function table(caption, head, rows) {
    const t = el("table");
    t.appendChild(el("caption", caption));
    if (head) {
      const tr = el("tr");
      head.forEach((h) => tr.appendChild(el("th", h)));
      t.appendChild(tr);
    }
    rows.forEach((r) => {
      const tr = el("tr");
      r.forEach((c) => tr.appendChild(el("td", c)));
      t.appendChild(tr);
    });
    return t;
  }
  function render(v) {
    document.title = "ipcspec explorer: " + v.spec;
    $("spec").textContent = v.spec + " " + Object.entries(v.params).map(([k, x]) => k + "=" + x).join(" ");
    $("pos").textContent = v.step === 0 ? "initial state" : "step " + v.step;
    $("trace").textContent = v.trace;
    $("back").disabled = v.step === 0;
    $("checked").textContent = v.checked || "";
    $("jump").disabled = !v.found;
    $("jump").title = v.found ? v.found.property + " (" + v.found.steps + " steps: " + v.found.trace + ")" : "";
    const en = $("enabled");
    en.replaceChildren();
    if (v.enabled.length === 0) en.appendChild(el("p", "nothing is enabled"));
    v.enabled.forEach((t) => {
      const b = el("button", t.process + " " + t.operation, "take");
      b.type = "button";
      b.dataset.transition = String(t.transition);
      b.onclick = () => call("/api/take", { transition: t.transition });
      en.appendChild(b);
      const c = t.fails !== undefined ? "fails: " + t.fails
        : t.changes.map((x) => x.name + ": " + x.before + " → " + x.after).join(", ");
      en.appendChild(el("div", c || "(moves only)", "changes" + (t.fails !== undefined ? " fails" : "")));
    });
    const st = $("status");
    st.replaceChildren();
    if (v.violated) st.appendChild(el("p", "VIOLATION of " + v.violated, "bad"));
    if (v.cycleFrom) st.appendChild(el("p", "cycle: steps " + v.cycleFrom + ".." + v.step + " repeat for ever", "bad"));
    if (v.blocked.length > 0) {
      st.appendChild(table("blocked", ["process", "at", "waits on", "holds"],
        v.blocked.map((b) => [b.process, b.step, b.waitsOn.join(" or "), b.holds.join(", ")])));
    }
    const s = v.state;
    const state = $("state");
    state.replaceChildren();
    if (s.globals.length) state.appendChild(table("globals", null, s.globals.map((g) => [g.name, g.value])));
    state.appendChild(table("processes", ["process", "at", "locals"], s.processes.map((p) =>
      [p.name, p.at, p.locals.map((l) => l.name + "=" + l.value).join(" ")])));
    if (s.primitives.length) state.appendChild(table("primitives", null, s.primitives.map((p) => [p.name + " (" + p.kind + ")", p.value])));
    // Buffers, queues, mailboxes and pending signals that name a process.
    const per = $("per-process");
    per.replaceChildren();
    per.appendChild(table(null, ["process", "at", "in primitives"], s.processes.map((p) => [
      p.name, p.at,
      s.primitives.filter((q) => q.value.includes(p.name)).map((q) => q.name + ": " + q.value).join("; "),
    ])));
    const steps = $("steps");
    steps.replaceChildren();
    v.steps.forEach((x) => {
      const li = el("li", x.text.replace(/^\\d+\\. /, ""));
      x.events.forEach((e) => { li.appendChild(el("br")); li.appendChild(el("span", e, "ev")); });
      steps.appendChild(li);
    });
    $("chart").innerHTML = v.chart;
  }
  $("back").onclick = () => call("/api/back", {});
  $("reset").onclick = () => call("/api/reset", {});
  $("check").onclick = () => call("/api/check", {});
  $("jump").onclick = () => call("/api/jump", {});
  $("load").onclick = () => call("/api/load", { text: $("load-text").value });
  $("load-file").onchange = async () => {
    const f = $("load-file").files[0];
    if (f) call("/api/load", { text: await f.text() });
  };
  call("/api/view");
})();
</script>
</body></html>
`;
