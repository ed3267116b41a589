// The desk's keyboard: quotewire's own script, no third-party code. Every action here is also a
// button or a link on the page; this only makes them keys. Decisions are the same POST the
// buttons send, with the page's CSRF token in a header; the undo stack lives in the page.
"use strict";
(function () {
  // The accepted page's one button: copy the block.
  const copyBlock = document.getElementById("copy-block");
  if (copyBlock) {
    copyBlock.addEventListener("click", async () => {
      const block = document.getElementById("block");
      try { await navigator.clipboard.writeText(block.value); copyBlock.textContent = "Copied"; }
      catch (e) { block.select(); copyBlock.textContent = "Selected: press Ctrl-C"; }
    });
  }
  // A post's check: n / p step through the passages with problems; ? shows the keys.
  const check = document.querySelector("main.check");
  if (check) {
    const problems = Array.from(check.querySelectorAll("section.passage.problem"));
    let at = -1;
    document.addEventListener("keydown", (e) => {
      const t = e.target;
      if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if ((e.key === "n" || e.key === "p") && problems.length) {
        if (at >= 0) problems[at].classList.remove("current");
        at = e.key === "n" ? Math.min(at + 1, problems.length - 1) : Math.max(at - 1, 0);
        problems[at].classList.add("current");
        problems[at].focus();
        problems[at].scrollIntoView({ block: "start" });
        check.dataset.at = String(at);
      } else if (e.key === "?") {
        const help = document.getElementById("help");
        if (help) help.hidden = !help.hidden;
      }
    });
    check.dataset.ready = "1";
  }
  const desk = document.querySelector(".desk");
  if (!desk) return;
  const csrf = desk.dataset.csrf;
  const cards = Array.from(document.querySelectorAll("article.card"));
  const undo = [];
  let cur = cards.length ? 0 : -1;
  let anchor = -1;

  const format = document.getElementById("format");
  if (format) {
    const saved = localStorage.getItem("quotewire.format");
    if (saved) format.value = saved;
    format.addEventListener("change", () => localStorage.setItem("quotewire.format", format.value));
  }

  function toast(text) {
    let t = document.getElementById("toast");
    if (!t) {
      t = document.createElement("div");
      t.id = "toast";
      t.setAttribute("role", "status");
      document.body.appendChild(t);
    }
    t.textContent = text;
    t.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { t.hidden = true; }, 2500);
  }

  function show(i) {
    if (i < 0 || i >= cards.length) return;
    if (cur >= 0) cards[cur].classList.remove("current");
    cur = i;
    cards[cur].classList.add("current");
    cards[cur].scrollIntoView({ block: "nearest" });
  }

  function setStatus(id, status) {
    for (const card of cards) {
      if (card.dataset.id !== id) continue;
      card.classList.remove("candidate", "accepted", "rejected");
      card.classList.add(status);
      card.dataset.status = status;
      const state = card.querySelector(".state");
      if (state) state.textContent = status;
    }
  }

  // Requests in flight, for whoever drives the page (the browser test waits on it).
  window.__quotewireBusy = 0;
  async function busy(work) {
    window.__quotewireBusy++;
    try { return await work(); } finally { window.__quotewireBusy--; }
  }

  async function decide(ids, status) {
    const body = new URLSearchParams({ ids: ids.join(" "), status: status });
    const resp = await fetch("/quotes/status", {
      method: "POST",
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf },
      body: body,
    });
    if (!resp.ok) {
      toast("not saved: " + (await resp.text()));
      return null;
    }
    const answer = await resp.json();
    for (const change of answer.changes) {
      for (const id of change.ids) setStatus(id, answer.status);
    }
    return answer.changes;
  }

  async function decideAndRemember(ids, status) {
    const changes = await decide(ids, status);
    if (changes) {
      undo.push(changes);
      toast(ids.length === 1 ? status : ids.length + " quotations " + status);
    }
    return changes;
  }

  async function undoLast() {
    const changes = undo.pop();
    if (!changes) { toast("nothing to undo"); return; }
    const byWas = new Map();
    for (const c of changes) {
      if (!byWas.has(c.was)) byWas.set(c.was, []);
      byWas.get(c.was).push(c.id);
    }
    for (const [was, ids] of byWas) await decide(ids, was);
    const first = cards.findIndex((c) => c.dataset.id === changes[0].id);
    if (first >= 0) show(first);
    toast("undone");
  }

  function selected() {
    return cards.filter((c) => c.classList.contains("selected"));
  }

  async function copyCitation(card) {
    const fmt = format ? format.value : "markdown";
    const resp = await fetch("/quotes/" + card.dataset.id + "/cite?format=" + encodeURIComponent(fmt));
    const text = await resp.text();
    if (!resp.ok) { toast("no citation: " + text); return; }
    desk.dataset.lastCitation = text;
    try {
      await navigator.clipboard.writeText(text);
      toast("citation copied (" + fmt + ")");
    } catch (e) {
      toast("copy the citation from the box");
      let box = document.getElementById("citation");
      if (!box) {
        box = document.createElement("textarea");
        box.id = "citation";
        box.rows = 8;
        card.appendChild(box);
      }
      box.value = text;
      box.select();
    }
  }

  document.addEventListener("keydown", (e) => { busy(() => onKey(e)); });

  async function onKey(e) {
    const t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) {
      if (e.key === "Escape") t.blur();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const card = cur >= 0 ? cards[cur] : null;
    switch (e.key) {
      case "j": show(cur + 1); break;
      case "k": show(cur - 1); break;
      case "a":
      case "r":
        if (!card) return;
        await decideAndRemember([card.dataset.id], e.key === "a" ? "accepted" : "rejected");
        show(cur + 1);
        break;
      case "u": await undoLast(); break;
      case "x":
        if (!card) return;
        card.classList.toggle("selected");
        anchor = cur;
        break;
      case "X": {
        if (!card) return;
        const from = anchor < 0 ? cur : anchor;
        for (let i = Math.min(from, cur); i <= Math.max(from, cur); i++) cards[i].classList.add("selected");
        anchor = cur;
        break;
      }
      case "A":
      case "R": {
        if (!card) return;
        // The selection; or, with none, the candidates up to here (decisions stand).
        let targets = selected();
        if (!targets.length) targets = cards.slice(0, cur + 1).filter((c) => c.dataset.status === "candidate");
        if (!targets.length) return;
        await decideAndRemember(targets.map((c) => c.dataset.id), e.key === "A" ? "accepted" : "rejected");
        for (const c of targets) c.classList.remove("selected");
        show(Math.min(cur + 1, cards.length - 1));
        break;
      }
      case "c": if (card) await copyCitation(card); break;
      case "o": {
        const open = card && card.querySelector("a.open");
        if (open) window.location.href = open.href;
        break;
      }
      case "/": {
        const q = document.getElementById("q");
        if (q) { e.preventDefault(); q.focus(); q.select(); }
        break;
      }
      case "?": {
        const help = document.getElementById("help");
        if (help) help.hidden = !help.hidden;
        break;
      }
      case "Escape": {
        const help = document.getElementById("help");
        if (help) help.hidden = true;
        break;
      }
      default: return;
    }
  }

  if (cur >= 0) show(0);
  desk.dataset.ready = "1";
})();
