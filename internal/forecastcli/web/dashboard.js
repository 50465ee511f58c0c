// The ForecastRun dashboard: renders the state the server streams, and
// sends the form and the buttons to its JSON API. Text only ever enters
// the page through textContent, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);

let namespace = new URLSearchParams(location.hash.slice(1)).get("namespace") || "";
let stream = null;
let lastModes = "";

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

function api(path) {
  const q = namespace ? "?namespace=" + encodeURIComponent(namespace) : "";
  return path + q;
}

// ---- the live state

function connect() {
  if (stream) stream.close();
  setConnection("Connecting…", "pending");
  stream = new EventSource(api("/api/events"));
  stream.addEventListener("state", (ev) => {
    setConnection("Live: updated " + new Date().toLocaleTimeString(), "live");
    render(JSON.parse(ev.data));
  });
  stream.onerror = () => setConnection("Connection lost; reconnecting… (is kubectl forecast dashboard still running?)", "lost");
}

function setConnection(text, state) {
  const c = $("connection");
  c.textContent = text;
  c.dataset.state = state;
}

function render(st) {
  $("context").textContent = st.context || "(none)";
  if (!namespace) {
    namespace = st.namespace;
  }
  if (document.activeElement !== $("namespace")) $("namespace").value = st.namespace;
  renderProblems(st.problems || []);
  renderModes(st.modes || []);
  renderLocks(st.locks || []);
  renderRuns(st.runs || []);
  renderSchedules(st.schedules || []);
}

function renderProblems(problems) {
  const box = $("problems");
  box.replaceChildren(...problems.map((p) => el("p", { class: "problem" }, el("strong", { text: "Cannot read: " }), p)));
}

function renderModes(modes) {
  const key = JSON.stringify(modes);
  if (key === lastModes) return;
  lastModes = key;
  const box = $("modes");
  const checked = (box.querySelector("input:checked") || {}).value || "QuickTest";
  box.replaceChildren(...modes.map((m) => {
    const id = "mode-" + m.mode;
    const input = el("input", { type: "radio", name: "mode", id, value: m.mode });
    input.checked = m.mode === checked;
    return el("label", { for: id, class: "mode" }, input,
      el("span", { class: "mode-name", text: m.mode }),
      el("span", { class: "mode-facts", text: m.items + " · " + m.expected }));
  }));
}

function renderLocks(locks) {
  $("locks").replaceChildren(...locks.map((l) => {
    const box = el("div", { class: "lock", "data-lock": l.name }, el("h3", { text: "Lock " + l.name }), el("p", { class: "holder", text: l.holder }));
    if (!l.queue || l.queue.length === 0) {
      box.append(el("p", { text: "No runs are queued." }));
      return box;
    }
    const rows = l.queue.map((q) => el("tr", { "data-queued": q.name },
      cell("Position", String(q.position)), cell("Name", q.name), cell("Priority", q.priority),
      cell("Age", q.age), cell("Est. duration", q.estDuration), cell("Estimated start", q.estimatedStart)));
    box.append(el("table", { class: "stack queue" },
      el("caption", { text: "Queue, in the order runs are admitted" }),
      el("thead", {}, el("tr", {}, ...["Position", "Name", "Priority", "Age", "Est. duration", "Estimated start"].map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, ...rows)));
    return box;
  }));
}

function cell(label, text) {
  return el("td", { "data-label": label, text });
}

// Runs are updated in place, keyed by name, so that a focused button or an
// open summary survives the updates.
function renderRuns(runs) {
  const body = $("runs").tBodies[0];
  $("no-runs").hidden = runs.length > 0;
  $("runs").hidden = runs.length === 0;
  const existing = new Map([...body.rows].map((r) => [r.dataset.run, r]));
  runs.forEach((run, i) => {
    let row = existing.get(run.name);
    if (!row) row = newRunRow(run.name);
    existing.delete(run.name);
    updateRunRow(row, run);
    if (body.rows[i] !== row) body.insertBefore(row, body.rows[i] || null);
  });
  for (const gone of existing.values()) gone.remove();
}

const phaseSymbols = { Pending: "○", Queued: "◷", Running: "▶", Succeeded: "✔", Failed: "✖", Rejected: "⊘", Cancelled: "■" };

function newRunRow(name) {
  const row = el("tr", { "data-run": name });
  const bar = el("progress", { max: "100", value: "0", "aria-label": "Progress of " + name });
  const cancel = el("button", { type: "button", class: "cancel", text: "Cancel", "aria-label": "Cancel " + name });
  const rerun = el("button", { type: "button", class: "rerun", text: "Rerun", "aria-label": "Rerun " + name });
  cancel.addEventListener("click", () => act(cancel, "/api/runs/" + encodeURIComponent(name) + "/cancel"));
  rerun.addEventListener("click", () => act(rerun, "/api/runs/" + encodeURIComponent(name) + "/rerun"));
  row.append(
    el("th", { scope: "row", "data-label": "Name", class: "name", text: name }),
    cell("Mode", ""), cell("Priority", ""),
    el("td", { "data-label": "Phase", class: "phase" }),
    el("td", { "data-label": "Progress", class: "progress" }, bar, el("span", { class: "progress-text" })),
    cell("Age", ""),
    el("td", { "data-label": "Message", class: "message" }, el("span", { class: "message-text" }), el("div", { class: "summary" })),
    el("td", { "data-label": "Actions", class: "actions" }, cancel, rerun));
  return row;
}

function updateRunRow(row, run) {
  const c = row.cells;
  setText(c[1], run.mode);
  setText(c[2], run.priority);
  row.dataset.phase = run.phase;
  setText(c[3], (phaseSymbols[run.phase] || "") + " " + run.phase + (run.cancelling ? " (cancelling)" : ""));
  const bar = c[4].querySelector("progress");
  bar.value = run.percent;
  let facts = run.percent + "%";
  if (run.items) facts += " · " + run.items + " items";
  if (run.eta) facts += " · ETA " + run.eta;
  setText(c[4].querySelector(".progress-text"), facts);
  setText(c[5], run.age);
  let message = run.message || "";
  if (run.duplicateOf && !message.includes(run.duplicateOf)) message = "Duplicate of " + run.duplicateOf + ". " + message;
  setText(c[6].querySelector(".message-text"), message);
  updateSummary(c[6].querySelector(".summary"), run);
  c[7].querySelector(".cancel").disabled = !run.cancellable;
}

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function updateSummary(box, run) {
  const key = JSON.stringify([run.result, run.hasReport, run.reportNote]);
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  if (!run.result) {
    box.replaceChildren();
    return;
  }
  const r = run.result;
  const details = el("details", {}, el("summary", { text: "Summary" + (run.hasReport ? " and report" : "") }),
    el("dl", {},
      el("dt", { text: "Items forecast" }), el("dd", { text: String(r.itemsForecast) }),
      el("dt", { text: "Items failed" }), el("dd", { text: String(r.itemsFailed) }),
      el("dt", { text: "Score" }), el("dd", { text: r.score })),
    el("table", { class: "winners" }, el("caption", { text: "Wins per model" }),
      el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Model" }), el("th", { scope: "col", text: "Items won" }), el("th", { scope: "col", text: "Share" }))),
      el("tbody", {}, ...(r.winners || []).map((w) => el("tr", {}, el("td", { text: w.model }), el("td", { text: String(w.items) }), el("td", { text: w.share }))))));
  if (run.hasReport) {
    details.append(el("p", {}, el("a", { href: api("/api/runs/" + encodeURIComponent(run.name) + "/report"), target: "_blank", rel: "noopener", class: "report", text: "Open report.html" }),
      el("small", { text: " (copied from the results claim by a short-lived Pod; the first time takes a few seconds)" })));
  }
  if (run.reportNote) details.append(el("p", { class: "note", text: run.reportNote }));
  box.replaceChildren(details);
}

function renderSchedules(schedules) {
  $("no-schedules").hidden = schedules.length > 0;
  $("schedules").hidden = schedules.length === 0;
  $("schedules").tBodies[0].replaceChildren(...schedules.map((s) => el("tr", { "data-schedule": s.name },
    el("th", { scope: "row", "data-label": "Name", text: s.name }),
    cell("Schedule", s.schedule + (s.suspended ? " (suspended)" : "")),
    cell("Next", s.next), cell("Last", s.last), cell("Active runs", (s.active || []).join(", ") || "none"))));
}

// ---- actions

async function post(path, body) {
  let res;
  try {
    res = await fetch(api(path), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body || {}),
    });
  } catch (e) {
    // The request may or may not have reached the cluster: say so, rather
    // than that it was refused.
    const err = new Error("the dashboard did not answer (" + e.message + "); the request may or may not have been carried out: check the runs below");
    err.unanswered = true;
    throw err;
  }
  const data = await res.json().catch(() => ({ error: res.status + " " + res.statusText }));
  if (!res.ok) throw new Error(data.error || res.statusText);
  return data;
}

const outcomeWords = {
  running: "Started: it holds the lock and runs.",
  queued: "Queued: another run holds the lock; it starts when its turn comes.",
  duplicate: "Marked duplicate: an identical run is already active, so this one shares its execution and result instead of running again.",
  rejected: "Rejected: the lock is busy and this run asked not to wait.",
  finished: "Already finished.",
  pending: "Created; the controller has not placed it yet.",
};

function report(kind, title, text) {
  const item = el("li", { class: "request " + kind }, el("strong", { text: title }), " ", text);
  $("requests").prepend(item);
  while ($("requests").children.length > 30) $("requests").lastChild.remove();
}

function reportCreated(verb, data) {
  report(data.outcome, verb + " forecastrun/" + data.name + ":", outcomeWords[data.outcome] + " (" + data.standing + ")");
}

async function act(button, path) {
  button.disabled = true;
  try {
    const data = await post(path);
    if (data.name) reportCreated("Rerun as", data);
    else report("done", "Done:", data.message);
  } catch (e) {
    report("error", e.unanswered ? "No answer:" : "Refused:", e.message);
  } finally {
    button.disabled = false;
  }
}

$("new-run").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const form = ev.target;
  const body = {
    mode: (form.querySelector("input[name=mode]:checked") || {}).value || "",
    dataset: $("dataset").value.trim(),
    priority: $("priority").value,
    output: $("output").value.trim(),
  };
  try {
    reportCreated("Created", await post("/api/runs", body));
  } catch (e) {
    report("error", e.unanswered ? "No answer:" : "Refused:", e.message);
  }
});

$("namespace-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  namespace = $("namespace").value.trim();
  location.hash = "namespace=" + encodeURIComponent(namespace);
  $("runs").tBodies[0].replaceChildren();
  $("requests").replaceChildren();
  connect();
});

connect();
