// whet eval report: the case matrix, the case detail and the word diff.
// Untrusted text (outputs, variables, reasons) only ever reaches the page
// through textContent: this file never assigns innerHTML.
(function () {
  "use strict";
  var errs = window.__whetErrors || (window.__whetErrors = []);
  var PAGE = 500;
  var DIFF_LIMIT = 2000;

  var meta, data, cases = [], filtered = [], shown = 0, selected = null;

  function $(id) { return document.getElementById(id); }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function add(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) continue;
      parent.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return parent;
  }

  function readJson(id) { return JSON.parse($(id).textContent); }

  function pct(x) { return (x * 100).toFixed(1) + "%"; }
  function ms(x) { return x < 1000 ? Math.round(x) + " ms" : (x / 1000).toFixed(2) + " s"; }
  function usd(x) { return x === 0 ? "$0" : x < 0.01 ? "$" + x.toFixed(4) : "$" + x.toFixed(2); }
  function num(x) { return Number(x).toLocaleString("en-US"); }

  function swatch(v) {
    var s = el("span", "sw");
    s.style.background = meta.variants[v] ? meta.variants[v].color : "#999";
    return s;
  }

  function variantName(v) {
    return meta.variants[v] ? meta.variants[v].name : "variant " + v;
  }

  // ---- per-case status ------------------------------------------------

  // The status of each variant on a case: pass (every repeat passed), fail
  // (none did), mixed (some did), error (every repeat errored), or null.
  function cellOf(c, v) {
    var rs = c.byVariant[v] || [];
    if (!rs.length) return null;
    var errors = 0, passed = 0, score = 0;
    rs.forEach(function (r) {
      if (r.status === "error") errors++;
      else if (r.status === "pass") passed++;
      if (typeof r.score === "number") score += r.score;
    });
    var graded = rs.length - errors;
    var status = errors === rs.length ? "error"
      : passed === graded && errors === 0 ? "pass"
      : passed === 0 && errors === 0 ? "fail" : "mixed";
    return { status: status, passed: passed, graded: graded, n: rs.length, score: score / rs.length };
  }

  function prepare(c) {
    c.byVariant = {};
    c.results.sort(function (a, b) { return a.variant - b.variant || a.repeat - b.repeat; });
    c.results.forEach(function (r) { (c.byVariant[r.variant] = c.byVariant[r.variant] || []).push(r); });
    c.cells = meta.variants.map(function (_, v) { return cellOf(c, v); });
    var seen = {};
    c.cells.forEach(function (cell) { if (cell) seen[cell.status] = true; });
    c.disagree = Object.keys(seen).length > 1;
    c.statuses = {};
    c.results.forEach(function (r) { c.statuses[r.status] = true; });
  }

  function searchText(c) {
    if (c.q === undefined) {
      var parts = [c.description || "", c.source, c.split || "", (c.tags || []).join(" "), c.scenario || "",
        JSON.stringify(c.vars), c.expected === null || c.expected === undefined ? "" : JSON.stringify(c.expected)];
      c.results.forEach(function (r) { parts.push(r.output, r.error || ""); });
      c.q = parts.join("\n").toLowerCase();
    }
    return c.q;
  }

  // ---- filters and matrix ---------------------------------------------

  function fillSelect(select, values) {
    values.forEach(function (v) {
      var o = el("option", null, v);
      o.value = v;
      select.appendChild(o);
    });
  }

  function unique(list) {
    var s = {};
    list.forEach(function (x) { s[x] = true; });
    return Object.keys(s).sort();
  }

  function applyFilters() {
    var text = $("f-text").value.trim().toLowerCase();
    var split = $("f-split").value, tag = $("f-tag").value, status = $("f-status").value;
    var disagree = $("f-disagree").checked;
    filtered = cases.filter(function (c) {
      if (split && (c.split || "(none)") !== split) return false;
      if (tag && (c.tags || []).indexOf(tag) < 0) return false;
      if (status && !c.statuses[status]) return false;
      if (disagree && !c.disagree) return false;
      if (text && searchText(c).indexOf(text) < 0) return false;
      return true;
    });
    var body = $("matrix").tBodies[0];
    body.textContent = "";
    shown = 0;
    showMore();
    $("f-count").textContent = num(filtered.length) + " of " + num(cases.length) + " cases";
  }

  function showMore() {
    var body = $("matrix").tBodies[0];
    var end = Math.min(filtered.length, shown + PAGE);
    var frag = document.createDocumentFragment();
    for (var i = shown; i < end; i++) frag.appendChild(row(filtered[i]));
    body.appendChild(frag);
    shown = end;
    var more = $("more");
    more.hidden = shown >= filtered.length;
    more.textContent = "Show " + num(Math.min(PAGE, filtered.length - shown)) + " more";
  }

  function header() {
    var tr = el("tr");
    add(tr, el("th", "r idx", "#"), el("th", null, "case"));
    meta.variants.forEach(function (v, i) {
      var th = el("th", "v");
      th.title = v.name;
      add(th, swatch(i), el("span", "num", "#" + (i + 1)));
      tr.appendChild(th);
    });
    $("matrix").tHead.appendChild(tr);
  }

  var MARK = { pass: "✔", fail: "✘", error: "!", mixed: "±" };

  function row(c) {
    var tr = el("tr");
    tr.dataset.case = String(c.case);
    if (selected === c) tr.className = "sel";
    add(tr, el("td", "r dim idx", c.case + 1));
    var td = el("td", "case");
    add(td, el("div", "title", c.description || c.source));
    if (c.description) add(td, el("span", "src", c.source));
    if (c.split) add(td, el("span", "chip split", c.split));
    if (c.scenario) add(td, el("span", "chip", c.scenario));
    (c.tags || []).forEach(function (t) { add(td, el("span", "chip", t)); });
    tr.appendChild(td);
    c.cells.forEach(function (cell) {
      var cellTd = el("td", "v");
      if (cell) {
        var wrap = el("span", "cell");
        add(wrap, el("span", "st " + cell.status, MARK[cell.status]));
        var detail = cell.n > 1 ? cell.passed + "/" + cell.graded : cell.status === "error" ? "error" : cell.score.toFixed(2);
        add(wrap, el("span", "dim", detail));
        cellTd.appendChild(wrap);
      }
      tr.appendChild(cellTd);
    });
    tr.addEventListener("click", function () {
      select(c);
      $("detail").scrollIntoView({ block: "start", behavior: "smooth" });
    });
    return tr;
  }

  // ---- case detail ----------------------------------------------------

  function select(c) {
    selected = c;
    Array.prototype.forEach.call($("matrix").tBodies[0].rows, function (tr) {
      tr.className = tr.dataset.case === String(c.case) ? "sel" : "";
    });
    var d = $("detail");
    d.textContent = "";
    d.hidden = false;
    var head = el("div", "detail-head");
    var close = el("button", "close", "Close");
    close.type = "button";
    close.addEventListener("click", function () {
      d.hidden = true;
      selected = null;
      Array.prototype.forEach.call($("matrix").tBodies[0].rows, function (tr) { tr.className = ""; });
    });
    add(head, el("h3", null, "Case " + (c.case + 1) + ": " + (c.description || c.source)), close);
    d.appendChild(head);
    var facts = [c.source];
    if (c.split) facts.push("split " + c.split);
    if (c.tags && c.tags.length) facts.push("tags " + c.tags.join(", "));
    if (c.scenario) facts.push("scenario " + c.scenario);
    add(d, el("p", "dim", facts.join(" · ")));
    var kvs = el("div", "kvs");
    add(kvs, box("Variables", JSON.stringify(c.vars, null, 2)));
    var exp = c.expected === null || c.expected === undefined ? "—"
      : typeof c.expected === "string" ? c.expected : JSON.stringify(c.expected, null, 2);
    add(kvs, box("Expected", exp));
    d.appendChild(kvs);
    var outs = el("div", "outputs");
    c.results.forEach(function (r) { outs.appendChild(outputCard(r)); });
    d.appendChild(outs);
    if (c.results.length > 1) d.appendChild(diffView(c));
  }

  function box(title, text) {
    var b = el("div");
    add(b, el("div", "box-title", title), el("pre", null, text));
    return b;
  }

  function resultLabel(r) {
    var s = "#" + (r.variant + 1) + " " + variantName(r.variant);
    if (meta.repeats > 1) s += " · repeat " + (r.repeat + 1);
    return s;
  }

  function outputCard(r) {
    var card = el("div", "out");
    card.dataset.variant = String(r.variant);
    var h = el("header");
    add(h, swatch(r.variant), el("span", "st " + r.status, MARK[r.status]), el("span", null, resultLabel(r)));
    card.appendChild(h);
    var facts = ["score " + (typeof r.score === "number" ? r.score.toFixed(3) : "—")];
    if (typeof r.latency_ms === "number") facts.push(ms(r.latency_ms));
    facts.push(num(r.input_tokens) + " in / " + num(r.output_tokens) + " out");
    facts.push(usd(r.cost_usd || 0));
    if (r.cache === "hit") facts.push("cached");
    if (r.finish_reason) facts.push("finish " + r.finish_reason);
    add(card, el("div", "facts", facts.join(" · ")));
    if (r.error) add(card, el("div", "err", "Error: " + r.error));
    var pre = el("pre", "output", r.output);
    card.appendChild(pre);
    if (r.output_chars) add(card, el("div", "facts", "cut to the first part; the output has " + num(r.output_chars) + " characters"));
    (r.tool_calls || []).forEach(function (t) {
      add(card, el("div", "box-title", "tool call " + t.name), el("pre", null, t.arguments));
    });
    if (r.grades && r.grades.length) {
      var t = el("table", "grades");
      r.grades.forEach(function (g) {
        var tr = el("tr");
        var ok = g.error ? "error" : g.pass ? "pass" : "fail";
        var name = g.assertion + (g.metric ? " (" + g.metric + ")" : "");
        var why = g.error ? "could not grade: " + g.error : g.reason;
        if (g.label) why += " [label " + g.label + "]";
        add(tr, add(el("td"), el("span", "st " + ok, MARK[ok])), el("td", null, name),
          el("td", "r", typeof g.score === "number" ? g.score.toFixed(2) : "—"), el("td", "why", why));
        t.appendChild(tr);
      });
      card.appendChild(t);
    }
    return card;
  }

  // ---- word diff ------------------------------------------------------

  function tokens(s) { return s.match(/\s+|[^\s]+/g) || []; }

  // Myers' O(ND) diff of two token lists: [op, token] with op "=", "-", "+".
  // Returns null when the lists differ in more than DIFF_LIMIT tokens.
  function myers(a, b) {
    var n = a.length, m = b.length, max = n + m, off = max + 1;
    var v = new Int32Array(2 * max + 3), trace = [];
    for (var d = 0; d <= max; d++) {
      if (d > DIFF_LIMIT) return null;
      trace.push(v.slice(off - d - 1, off + d + 2));
      for (var k = -d; k <= d; k += 2) {
        var x = (k === -d || (k !== d && v[off + k - 1] < v[off + k + 1])) ? v[off + k + 1] : v[off + k - 1] + 1;
        var y = x - k;
        while (x < n && y < m && a[x] === b[y]) { x++; y++; }
        v[off + k] = x;
        if (x >= n && y >= m) return backtrack(trace, a, b);
      }
    }
    return backtrack(trace, a, b);
  }

  function backtrack(trace, a, b) {
    var out = [], x = a.length, y = b.length;
    for (var d = trace.length - 1; d >= 0; d--) {
      var t = trace[d];
      var at = function (k) { return t[k + d + 1]; };
      var k = x - y;
      var prevK = (k === -d || (k !== d && at(k - 1) < at(k + 1))) ? k + 1 : k - 1;
      var prevX = at(prevK), prevY = prevX - prevK;
      while (x > prevX && y > prevY) { out.push(["=", a[x - 1]]); x--; y--; }
      if (d > 0) {
        if (x === prevX) out.push(["+", b[y - 1]]); else out.push(["-", a[x - 1]]);
      }
      x = prevX; y = prevY;
    }
    return out.reverse();
  }

  function diff(a, b) {
    var pre = 0;
    while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
    var suf = 0;
    while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
    var midA = a.slice(pre, a.length - suf), midB = b.slice(pre, b.length - suf);
    var mid = myers(midA, midB);
    var exact = mid !== null;
    if (!exact) {
      mid = midA.map(function (t) { return ["-", t]; }).concat(midB.map(function (t) { return ["+", t]; }));
    }
    var eq = function (t) { return ["=", t]; };
    return { ops: a.slice(0, pre).map(eq).concat(mid, a.slice(a.length - suf).map(eq)), exact: exact };
  }

  // An unchanged run, with its middle folded when it is long: CONTEXT
  // tokens are kept next to each change, and the fold opens on click.
  var CONTEXT = 24;
  function appendUnchanged(pre, toks, before, after) {
    var head = before ? CONTEXT : 0, tail = after ? CONTEXT : 0;
    if (toks.length <= head + tail + 2 * CONTEXT) {
      pre.appendChild(document.createTextNode(toks.join("")));
      return;
    }
    var hidden = toks.slice(head, toks.length - tail);
    var words = hidden.filter(function (t) { return /\S/.test(t); }).length;
    pre.appendChild(document.createTextNode(toks.slice(0, head).join("")));
    var fold = el("button", "fold", "… " + num(words) + " unchanged words …");
    fold.type = "button";
    fold.addEventListener("click", function () { fold.replaceWith(document.createTextNode(hidden.join(""))); });
    pre.appendChild(fold);
    pre.appendChild(document.createTextNode(toks.slice(toks.length - tail).join("")));
  }

  function defaultPair(c) {
    var base = -1, cand = -1;
    c.results.forEach(function (r, i) {
      var role = meta.variants[r.variant] ? meta.variants[r.variant].role : "candidate";
      if (role === "baseline" && base < 0) base = i;
    });
    c.results.forEach(function (r, i) {
      if (cand < 0 && i !== base && (base < 0 || r.variant !== c.results[base].variant)) cand = i;
    });
    if (base < 0) { base = 0; cand = c.results.length > 1 ? 1 : 0; }
    if (cand < 0) cand = base === 0 ? 1 : 0;
    return [base, cand];
  }

  function diffView(c) {
    var wrap = el("div", "diffview");
    var bar = el("div", "diffbar");
    var selA = el("select"), selB = el("select");
    selA.id = "diff-a"; selB.id = "diff-b";
    c.results.forEach(function (r, i) {
      [selA, selB].forEach(function (s) {
        var o = el("option", null, resultLabel(r));
        o.value = String(i);
        s.appendChild(o);
      });
    });
    var pair = defaultPair(c);
    selA.value = String(pair[0]);
    selB.value = String(pair[1]);
    var stats = el("span", "stats");
    add(bar, el("strong", null, "Word diff"), selA, el("span", "dim", "→"), selB, stats);
    var pre = el("pre", "diff");
    pre.id = "diff";
    function render() {
      var a = c.results[Number(selA.value)], b = c.results[Number(selB.value)];
      var res = diff(tokens(a.output), tokens(b.output));
      pre.textContent = "";
      var del = 0, ins = 0, delWords = 0, insWords = 0, i = 0, runs = [];
      while (i < res.ops.length) {
        var op = res.ops[i][0], toks = [];
        for (; i < res.ops.length && res.ops[i][0] === op; i++) {
          var tok = res.ops[i][1];
          toks.push(tok);
          var word = /\S/.test(tok);
          if (op === "-") { del++; if (word) delWords++; }
          if (op === "+") { ins++; if (word) insWords++; }
        }
        runs.push([op, toks]);
      }
      runs.forEach(function (run, k) {
        if (run[0] !== "=") {
          pre.appendChild(el(run[0] === "-" ? "del" : "ins", null, run[1].join("")));
        } else {
          appendUnchanged(pre, run[1], k > 0, k < runs.length - 1);
        }
      });
      pre.dataset.delTokens = String(del);
      pre.dataset.insTokens = String(ins);
      stats.textContent = delWords + " word" + (delWords === 1 ? "" : "s") + " removed · " + insWords + " added" +
        (res.exact ? "" : " · too different for a word-level diff: shown whole");
    }
    selA.addEventListener("change", render);
    selB.addEventListener("change", render);
    render();
    add(wrap, bar, pre);
    return wrap;
  }

  // ---- start ----------------------------------------------------------

  function init() {
    meta = readJson("whet-meta");
    data = readJson("whet-cases");
    var byCase = {};
    data.cases.forEach(function (c) {
      var have = byCase[c.case];
      if (have) have.results = have.results.concat(c.results);
      else { byCase[c.case] = c; cases.push(c); }
    });
    cases.sort(function (a, b) { return a.case - b.case; });
    cases.forEach(prepare);
    header();
    fillSelect($("f-split"), unique(cases.map(function (c) { return c.split || "(none)"; })));
    fillSelect($("f-tag"), unique([].concat.apply([], cases.map(function (c) { return c.tags || []; }))));
    if (data.capped) {
      var note = $("cap-note");
      note.textContent = "The case matrix shows the first " + num(data.embedded) + " of " + num(meta.total_results) +
        " results, to keep this file small; the scorecard, charts and comparison above cover all of them.";
      note.hidden = false;
    }
    var timer = null;
    $("f-text").addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(applyFilters, 120);
    });
    ["f-split", "f-tag", "f-status", "f-disagree"].forEach(function (id) { $(id).addEventListener("change", applyFilters); });
    $("more").addEventListener("click", showMore);
    applyFilters();
    var m = /(?:^#|&)case=(\d+)/.exec(location.hash);
    if (m) {
      var wanted = cases.filter(function (c) { return c.case === Number(m[1]); })[0];
      if (wanted) select(wanted);
    }
  }

  function finish() {
    var h = document.documentElement;
    if (errs.length) {
      h.dataset.status = "error";
      h.dataset.errors = errs.join("\n");
    } else {
      h.dataset.status = "ready";
    }
  }

  try {
    init();
  } catch (e) {
    errs.push("initialization failed: " + String(e && e.stack || e));
  } finally {
    finish();
  }
})();
