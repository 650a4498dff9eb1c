/* megagen viewer: one level at a time, loaded lazily; everything else is embedded data.
   Works from file:// (no fetch); no dependencies. window.megagenViewer exposes state for tests. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var t0 = performance.now();
  var V = window.megagenViewer = { level: null, shown: null, firstShownMs: null, lastStepMs: null, errors: [] };

  function fatal(message, hint) {
    $("fatalmsg").textContent = message;
    $("fatalhint").textContent = hint || "Run `megagen build` to make a new output folder, or `megagen view DIR` to check one.";
    $("fatal").hidden = false;
    document.body.classList.remove("loading");
    document.body.classList.add("failed");
    V.error = message;
  }

  var D;
  try {
    D = JSON.parse($("megagen-data").textContent);
  } catch (e) {
    fatal("The viewer data embedded in index.html is damaged (" + e.message + ").",
          "Run `megagen view DIR` to write the page again from the manifest.");
    return;
  }
  if (!D || D.error) { fatal(D ? D.error : "No viewer data in index.html."); return; }

  var START = D.start, STOP = D.stop, N = STOP - START;
  var W = (D.size && D.size.width) || 0, H = (D.size && D.size.depth) || 0;
  var LH = D.level_height || 0;
  var cols = D.columns || {}, mats = D.materials || {}, feats = D.features || {};
  var missing = {};
  (D.missing || []).forEach(function (lv) { missing[lv] = true; });

  function pad(n, width) { var s = String(n); while (s.length < width) s = "0" + s; return s; }
  function src(lv) { return D.pattern.prefix + pad(lv, D.pattern.pad) + D.pattern.suffix; }
  function clamp(lv) { return Math.max(START, Math.min(STOP - 1, lv)); }
  function col(name, lv) { var c = cols[name]; return c ? c[lv - START] : undefined; }
  function fmtInt(n) { return n == null ? "–" : Number(n).toLocaleString("en-US"); }
  function pct(x, digits) { return x == null ? "–" : (100 * x).toFixed(digits == null ? 1 : digits) + "%"; }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }
  function row(parent, k, v, barFrac, barCls) {
    var r = el("div", "row"); r.appendChild(el("span", "k", k)); r.appendChild(el("span", "v", v));
    if (barFrac != null) { var b = el("div", "bar " + (barCls || "")); var i = el("i"); i.style.width = Math.max(0, Math.min(1, barFrac)) * 100 + "%"; b.appendChild(i); r.appendChild(b); }
    parent.appendChild(r); return r;
  }

  /* ------------------------------------------------------------ header and static panels */
  var presetName = (D.preset && D.preset.name) || "?";
  $("buildname").textContent = "· " + presetName + " · seed " + D.seed + " · " + W + "×" + H + " · levels " + START + "–" + (STOP - 1);
  $("range").textContent = START + "–" + (STOP - 1);
  var slider = $("slider"), num = $("levelnum");
  slider.min = num.min = START; slider.max = num.max = STOP - 1; slider.step = 1;

  var problems = (D.problems || []).slice();
  function banner() {
    var b = $("banner"); b.innerHTML = "";
    if (!problems.length) { b.hidden = true; return; }
    problems.forEach(function (p, i) { if (i) b.appendChild(document.createTextNode(" ")); var s = el("b", null, "! "); b.appendChild(s); b.appendChild(document.createTextNode(p)); });
    b.hidden = false;
  }
  banner();

  (function buildPanel() {
    var p = $("build");
    row(p, "preset", presetName);
    if (D.preset && D.preset.description) { var d = el("div", "dim", D.preset.description); d.style.fontSize = "11px"; d.style.margin = "0 0 4px"; p.appendChild(d); }
    row(p, "seed", String(D.seed));
    row(p, "footprint", W + " × " + H + " cells");
    row(p, "levels", START + "–" + (STOP - 1) + " (" + fmtInt(N) + ")");
    if (LH) row(p, "level height", LH + " voxels");
    if (D.megagen) row(p, "megagen", D.megagen);
    if (D.wall_seconds != null) row(p, "built in", D.wall_seconds + " s" + (D.workers ? " on " + D.workers + " workers" : ""));
  })();

  if (D.legend) {
    var lg = el("img"); lg.src = D.legend.src; lg.alt = "Legend"; lg.loading = "lazy";
    lg.addEventListener("click", function () { lightbox(D.legend.src, "legend"); });
    $("legend").appendChild(lg);
  } else {
    $("legend").appendChild(el("div", "dim", "No legend.png in this folder."));
  }

  if (D.iso && D.iso.length) {
    $("isopanel").hidden = false;
    D.iso.forEach(function (im) {
      var f = el("figure", im.sheet ? "sheet" : "");
      var i = el("img"); i.loading = "lazy"; i.decoding = "async"; i.src = im.src; i.alt = im.name;
      f.appendChild(i); f.appendChild(el("figcaption", null, im.name));
      f.title = im.src + " (" + im.width + "×" + im.height + ")";
      f.addEventListener("click", function () { lightbox(im.src, im.name + " · " + im.width + "×" + im.height); });
      $("thumbs").appendChild(f);
    });
  }

  function jumpButton(parent, label, lv) {
    var b = el("button", "jump", label); b.type = "button"; b.title = "Go to level " + lv;
    b.addEventListener("click", function () { go(lv); }); parent.appendChild(b);
  }
  var towerLevels = [];
  if (cols.towers) for (var i = 0; i < N; i++) if (cols.towers[i] > 0) towerLevels.push(START + i);
  var villageLevels = {};
  if (cols.village) for (var j = 0; j < N; j++) if (cols.village[j]) villageLevels[START + j] = cols.village[j];

  (function featurePanel() {
    var p = $("feats"), any = false;
    var v = feats.village;
    if (v) {
      any = true;
      var f = el("div", "feat"); f.appendChild(el("div", "fh", "Village enclave" + (v.in_build === false ? " (outside this build)" : "")));
      if (v.levels) row(f, "pocket levels", v.levels[0] + "–" + v.levels[1]);
      ["dwellings", "entrances", "storage", "watchtowers"].forEach(function (k) { if (v[k] != null) row(f, k, fmtInt(v[k])); });
      if (v.elevator && v.elevator.levels) row(f, "elevator", v.elevator.levels[0] + "–" + v.elevator.levels[1]);
      var jumps = el("div");
      var inb = function (lv) { return lv != null && lv >= START && lv < STOP; };
      if (inb(v.shrine_level)) jumpButton(jumps, "shrine " + v.shrine_level, v.shrine_level);
      if (inb(v.shield_level)) jumpButton(jumps, "shield " + v.shield_level, v.shield_level);
      if (v.levels && inb(v.levels[0])) jumpButton(jumps, "village " + v.levels[0], v.levels[0]);
      if (inb(v.platform_level)) jumpButton(jumps, "platform " + v.platform_level, v.platform_level);
      f.appendChild(jumps); p.appendChild(f);
    }
    var s = feats.safeguard;
    if (s) {
      any = true;
      var g = el("div", "feat"); g.appendChild(el("div", "fh", "Safeguard"));
      if (s.towers != null) row(g, "watchtower heads", fmtInt(s.towers));
      if (s.nests != null) row(g, "exterminator nests", fmtInt(s.nests));
      if (s.radius != null) row(g, "detection radius", s.radius + " cells");
      if (towerLevels.length) {
        var tj = el("div"); tj.appendChild(el("span", "dim", "towers on: "));
        towerLevels.slice(0, 12).forEach(function (lv) { jumpButton(tj, String(lv), lv); });
        if (towerLevels.length > 12) tj.appendChild(el("span", "dim", "… " + (towerLevels.length - 12) + " more (T / Shift+T)"));
        g.appendChild(tj);
      }
      p.appendChild(g);
    }
    Object.keys(feats).forEach(function (k) {
      if (k === "village" || k === "safeguard") return;
      any = true;
      var h = el("div", "feat"); h.appendChild(el("div", "fh", k));
      var val = feats[k];
      if (val && typeof val === "object") Object.keys(val).forEach(function (kk) { var x = val[kk]; row(h, kk, typeof x === "object" ? JSON.stringify(x) : String(x)); });
      else row(h, "value", String(val));
      p.appendChild(h);
    });
    $("featpanel").hidden = !any;
  })();

  /* ------------------------------------------------------------ the map: zoom and pan */
  var vp = $("viewport"), img = $("level"), grid = $("grid");
  var view = { s: 1, x: 0, y: 0, fitted: true };
  var gridOn = false;
  function applyView() {
    img.style.width = W * view.s + "px"; img.style.height = H * view.s + "px";
    img.style.left = view.x + "px"; img.style.top = view.y + "px";
    $("zoom").textContent = Math.round(view.s * 100) + "%";
    if (gridOn) {
      var step = 8 * view.s;
      grid.style.left = view.x + "px"; grid.style.top = view.y + "px";
      grid.style.width = W * view.s + "px"; grid.style.height = H * view.s + "px";
      grid.style.backgroundImage = "linear-gradient(to right, rgba(95,212,232,0.22) 1px, transparent 1px), linear-gradient(to bottom, rgba(95,212,232,0.22) 1px, transparent 1px)";
      grid.style.backgroundSize = step + "px " + step + "px";
    }
  }
  function fit() {
    var r = vp.getBoundingClientRect();
    if (!W || !H || !r.width) return;
    var s = Math.min((r.width - 24) / W, (r.height - 24) / H);
    if (s >= 1) s = Math.floor(s); // whole pixels per cell: crisp
    view.s = Math.max(s, 0.05);
    view.x = Math.round((r.width - W * view.s) / 2); view.y = Math.round((r.height - H * view.s) / 2);
    view.fitted = true; applyView();
  }
  function zoomAt(factor, cx, cy) {
    var s = Math.max(0.05, Math.min(64, view.s * factor));
    view.x = cx - (cx - view.x) * s / view.s; view.y = cy - (cy - view.y) * s / view.s;
    view.s = s; view.fitted = false; applyView();
  }
  function centreZoom(factor) { var r = vp.getBoundingClientRect(); zoomAt(factor, r.width / 2, r.height / 2); }
  vp.addEventListener("wheel", function (e) {
    e.preventDefault(); var r = vp.getBoundingClientRect();
    zoomAt(Math.pow(1.0015, -e.deltaY), e.clientX - r.left, e.clientY - r.top);
  }, { passive: false });
  var drag = null;
  vp.addEventListener("pointerdown", function (e) { drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y }; vp.setPointerCapture(e.pointerId); vp.classList.add("dragging"); });
  vp.addEventListener("pointermove", function (e) {
    var r = vp.getBoundingClientRect();
    var cx = Math.floor((e.clientX - r.left - view.x) / view.s), cy = Math.floor((e.clientY - r.top - view.y) / view.s);
    $("cursor").textContent = (cx >= 0 && cy >= 0 && cx < W && cy < H) ? "x " + cx + "  y " + cy : "\u00a0";
    if (!drag) return;
    view.x = drag.vx + e.clientX - drag.x; view.y = drag.vy + e.clientY - drag.y; view.fitted = false; applyView();
  });
  function endDrag() { drag = null; vp.classList.remove("dragging"); }
  vp.addEventListener("pointerup", endDrag); vp.addEventListener("pointercancel", endDrag);
  vp.addEventListener("dblclick", function (e) { var r = vp.getBoundingClientRect(); zoomAt(2, e.clientX - r.left, e.clientY - r.top); });
  $("zoomin").onclick = function () { centreZoom(1.5); };
  $("zoomout").onclick = function () { centreZoom(1 / 1.5); };
  $("fit").onclick = fit;
  function toggleGrid() { gridOn = !gridOn; grid.hidden = !gridOn; $("gridbtn").classList.toggle("on", gridOn); applyView(); }
  $("gridbtn").onclick = toggleGrid;
  window.addEventListener("resize", function () { if (view.fitted) fit(); drawStack(); });

  /* ------------------------------------------------------------ levels: lazy, one at a time */
  var pending = null, prefetched = {};
  function mapMessage(html) { var m = $("mapmsg"); if (html) { m.innerHTML = html; m.hidden = false; } else m.hidden = true; }
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); }
  img.addEventListener("load", function () {
    if (pending == null) return;
    var lv = pending; pending = null;
    V.shown = lv; img.dataset.level = lv; img.classList.remove("gone"); document.body.dataset.shown = lv;
    var now = performance.now();
    if (V.firstShownMs == null) { V.firstShownMs = now; V.firstShownSinceScriptMs = now - t0; document.body.classList.remove("loading"); }
    if (V.stepStart != null) { V.lastStepMs = now - V.stepStart; V.stepStart = null; }
    mapMessage(null);
  });
  img.addEventListener("error", function () {
    if (pending == null) return;
    var lv = pending; pending = null;
    showMissing(lv, "could not be loaded");
  });
  function showMissing(lv, why) {
    img.classList.add("gone"); V.shown = null; delete img.dataset.level; document.body.dataset.shown = "missing-" + lv;
    mapMessage("<b>Level " + lv + ":</b> " + esc(src(lv)) + " " + why + ".<br><span class=dim>The folder is incomplete: rebuild these levels with <code>megagen build --levels " + lv + "-" + lv + " --force</code> into a fresh folder, or rebuild the whole range.</span>");
    if (V.stepStart != null) { V.lastStepMs = performance.now() - V.stepStart; V.stepStart = null; }
  }
  function prefetch(lv) {
    var keep = {};
    [1, -1, 2, -2].forEach(function (d) {
      var n = lv + d; if (n < START || n >= STOP || missing[n]) return;
      keep[n] = prefetched[n] || (function () { var p = new Image(); p.decoding = "async"; p.src = src(n); return p; })();
    });
    prefetched = keep;
  }

  var stepTimer = null;
  function go(lv, opts) {
    lv = clamp(Math.round(Number(lv)));
    if (isNaN(lv)) return;
    if (lv === V.level) return;
    V.level = lv; V.stepStart = performance.now();
    slider.value = lv; if (document.activeElement !== num) num.value = lv;
    if (!(opts && opts.fromHash)) history.replaceState(null, "", "#level=" + lv);
    document.title = presetName + "-" + D.seed + " · level " + lv + " · megagen";
    drawLevelInfo(lv); drawMarker(lv);
    if (missing[lv]) { pending = null; showMissing(lv, "is missing from this folder"); return; }
    pending = lv; img.src = src(lv);
    clearTimeout(stepTimer); stepTimer = setTimeout(function () { prefetch(lv); }, 60);
  }
  V.go = go;

  /* ------------------------------------------------------------ stats for the level */
  var matColours = D.material_colours || {}, matsOpen = false;
  function drawLevelInfo(lv) {
    $("bignum").textContent = lv;
    var sub = (lv - START + 1) + " of " + fmtInt(N);
    if (LH) sub += " · z " + fmtInt(lv * LH) + "–" + fmtInt((lv + 1) * LH - 1);
    $("levelsub").textContent = sub;
    var bd = $("badges"); bd.innerHTML = "";
    if (missing[lv]) bd.appendChild(el("span", "badge missing", "image missing"));
    var vpart = col("village", lv); if (vpart) bd.appendChild(el("span", "badge village", "village · " + vpart));
    var tw = col("towers", lv); if (tw > 0) bd.appendChild(el("span", "badge tower", tw + " watchtower" + (tw > 1 ? "s" : "")));
    var wf = col("watched_fraction", lv); if (wf > 0) bd.appendChild(el("span", "badge watched", "watched " + pct(wf, 0)));

    var st = $("stats"); st.innerHTML = "";
    var known = { solid_fraction: 1, standable_area: 1, towers: 1, watched_fraction: 1, watched_area: 1, village: 1 };
    var sf = col("solid_fraction", lv);
    if (sf !== undefined) row(st, "solid", pct(sf), sf, "");
    var sa = col("standable_area", lv);
    if (sa !== undefined) row(st, "standable floor", fmtInt(sa) + " cells · " + pct(W * H ? sa / (W * H) : null, 0), W * H ? sa / (W * H) : null, "accent");
    if (cols.watched_fraction) row(st, "under watch", pct(wf) + (col("watched_area", lv) != null ? " · " + fmtInt(col("watched_area", lv)) + " cells" : ""), wf, "warn");
    if (cols.towers) row(st, "watchtower heads", fmtInt(tw));
    if (cols.village) row(st, "village", vpart || "–");
    Object.keys(cols).forEach(function (k) {
      if (known[k]) return; var v = col(k, lv);
      row(st, k.replace(/_/g, " "), typeof v === "number" && v % 1 ? v.toFixed(4) : (v == null ? "–" : String(v)));
    });
    if (!st.childNodes.length) st.appendChild(el("div", "dim", "No statistics for this level in the manifest."));

    var mp = $("mats"); mp.innerHTML = "";
    var list = [], total = 0;
    Object.keys(mats).forEach(function (m) { var c = mats[m][lv - START] || 0; total += c; if (m !== "air" && c > 0) list.push([m, c]); });
    list.sort(function (a, b) { return b[1] - a[1]; });
    var top = list.length ? list[0][1] : 1;
    var cut = matsOpen || list.length <= 9 ? list.length : 8;
    list.slice(0, cut).forEach(function (mc) {
      var r = el("div", "mat"); var sw = el("span", "sw"); sw.style.background = matColours[mc[0]] || "#555";
      var bar = el("span", "mb"); var bi = el("i"); bi.style.width = (100 * mc[1] / top) + "%"; bar.appendChild(bi);
      r.appendChild(sw); r.appendChild(el("span", null, mc[0])); r.appendChild(bar);
      var share = total ? 100 * mc[1] / total : null;
      r.appendChild(el("span", "pc", share == null ? fmtInt(mc[1]) : share < 0.1 ? "<0.1%" : share.toFixed(1) + "%"));
      r.title = mc[0] + ": " + fmtInt(mc[1]) + " voxels";
      mp.appendChild(r);
    });
    if (cut < list.length) {
      var more = el("button", "jump", "+ " + (list.length - cut) + " more"); more.type = "button";
      more.addEventListener("click", function () { matsOpen = true; drawLevelInfo(V.level); }); mp.appendChild(more);
    }
    if (!list.length) mp.appendChild(el("div", "dim", "No material counts for this level."));
  }

  /* ------------------------------------------------------------ the stack: section, gauge, near */
  var whole = $("whole"), section = $("section"), gauge = $("gauge"), near = $("near");
  var hasSection = !!D.section;
  var NEAR_LEVELS = 48;
  var hasNear = hasSection && N > 2 * NEAR_LEVELS;
  if (!hasSection) document.body.classList.add("nosection");
  if (!hasNear) document.body.classList.add("nonear");
  if (hasSection) {
    section.src = D.section.src;
    section.style.imageRendering = "auto";
    $("nearimg").style.backgroundImage = "url(\"" + D.section.src.replace(/"/g, "%22") + "\")";
  }
  section.addEventListener("error", function () {
    hasSection = false; hasNear = false; document.body.classList.add("nosection", "nonear");
    problems.push("The section image " + D.section.src + " could not be loaded."); banner(); drawStack();
  });
  $("wholetop").textContent = "\u25B2 " + (STOP - 1);
  $("wholebottom").textContent = "\u25BC " + START;
  function yOfLevel(lv, height) { return (STOP - lv - 0.5) / N * height; }
  function levelOfY(y, height) { return clamp(STOP - 1 - Math.floor(y / height * N)); }
  function drawMarker(lv) {
    var h = whole.clientHeight;
    var m = $("marker"); m.style.top = Math.round(yOfLevel(lv, h)) - 1 + "px";
    $("markerlabel").textContent = lv;
    if (hasNear) drawNear(lv);
  }
  function drawGauge() {
    var h = whole.clientHeight, w = gauge.clientWidth;
    if (!h || !w) return;
    gauge.width = w; gauge.height = h;
    var g = gauge.getContext("2d");
    g.fillStyle = "#040506"; g.fillRect(0, 0, w, h);
    var sfc = cols.solid_fraction;
    var rows = new Float32Array(h), cnt = new Uint16Array(h), vil = new Uint8Array(h), tow = new Uint8Array(h), mis = new Uint8Array(h);
    for (var i = 0; i < N; i++) {
      var lv = START + i, y = Math.min(h - 1, Math.floor((STOP - 1 - lv) / N * h));
      if (sfc && sfc[i] != null) { rows[y] += sfc[i]; cnt[y]++; }
      if (cols.village && cols.village[i]) vil[y] = 1;
      if (cols.towers && cols.towers[i] > 0) tow[y] = 1;
      if (missing[lv]) mis[y] = 1;
    }
    var rowH = Math.max(1, Math.ceil(h / N));
    for (var y2 = 0; y2 < h; y2++) {
      if (cnt[y2]) { var c = Math.round(30 + 150 * Math.min(1, rows[y2] / cnt[y2] / 0.6)); g.fillStyle = "rgb(" + c + "," + c + "," + (c + 6) + ")"; g.fillRect(0, y2, w, rowH); }
      if (vil[y2]) { g.fillStyle = "#ffd978"; g.fillRect(0, y2, w, rowH); }
      if (tow[y2]) { g.fillStyle = "#ff4fd0"; g.fillRect(Math.floor(w / 2), y2, Math.ceil(w / 2), rowH); }
      if (mis[y2]) { g.fillStyle = "#ff3a2e"; g.fillRect(0, y2, w, rowH); }
    }
  }
  function drawNear(lv) {
    var h = near.clientHeight, w = near.clientWidth;
    if (!h) return;
    var ppl = h / NEAR_LEVELS;
    var ni = $("nearimg");
    ni.style.backgroundSize = w + "px " + (N * ppl) + "px";
    ni.style.backgroundPosition = "0px " + (h / 2 - (STOP - lv - 0.5) * ppl) + "px";
    ni.style.imageRendering = ppl * N / D.section.height >= 1 ? "pixelated" : "auto";
    var nm = $("nearmark"); nm.style.top = (h / 2 - ppl / 2) + "px"; nm.style.height = Math.max(2, ppl) + "px";
    var ticks = $("nearticks"); ticks.innerHTML = "";
    var first = Math.ceil((lv - NEAR_LEVELS / 2) / 10) * 10;
    for (var t = first; t <= lv + NEAR_LEVELS / 2; t += 10) {
      if (t < START || t >= STOP) continue;
      var d = el("div"); d.style.top = (h / 2 - (t - lv + 0.5) * ppl) + "px"; d.appendChild(el("span", null, String(t))); ticks.appendChild(d);
    }
  }
  function drawStack() { drawGauge(); if (V.level != null) drawMarker(V.level); }
  function hover(e) {
    var r = whole.getBoundingClientRect(), lv = levelOfY(e.clientY - r.top, r.height);
    var hl = $("hoverline"); hl.hidden = false; hl.style.top = Math.round(yOfLevel(lv, r.height)) + "px";
    hl.firstChild.textContent = lv; whole.title = "level " + lv + " (click to go)";
  }
  whole.addEventListener("mousemove", hover);
  whole.addEventListener("mouseleave", function () { $("hoverline").hidden = true; });
  whole.addEventListener("click", function (e) { var r = whole.getBoundingClientRect(); go(levelOfY(e.clientY - r.top, r.height)); });
  whole.addEventListener("wheel", function (e) { e.preventDefault(); go(V.level + (e.deltaY < 0 ? 1 : -1) * (e.shiftKey ? 10 : 1)); }, { passive: false });
  near.addEventListener("click", function (e) {
    var r = near.getBoundingClientRect(), ppl = r.height / NEAR_LEVELS;
    go(V.level + Math.round((r.height / 2 - (e.clientY - r.top)) / ppl));
  });
  near.addEventListener("wheel", function (e) { e.preventDefault(); go(V.level + (e.deltaY < 0 ? 1 : -1)); }, { passive: false });

  /* ------------------------------------------------------------ controls */
  slider.addEventListener("input", function () { go(slider.value); });
  num.addEventListener("change", function () { go(num.value); num.value = V.level; });
  num.addEventListener("keydown", function (e) { if (e.key === "Enter") { go(num.value); num.value = V.level; num.blur(); } e.stopPropagation(); });
  $("up").onclick = function () { go(V.level + 1); };
  $("down").onclick = function () { go(V.level - 1); };
  function nextTower(dir) {
    var best = null;
    towerLevels.forEach(function (lv) { if ((dir > 0 ? lv > V.level : lv < V.level) && (best == null || Math.abs(lv - V.level) < Math.abs(best - V.level))) best = lv; });
    if (best != null) go(best);
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (!$("lightbox").hidden) { if (e.key === "Escape") closeLightbox(); return; }
    var big = e.shiftKey ? 10 : 1, handled = true;
    switch (e.key) {
      case "ArrowUp": case "ArrowRight": go(V.level + big); break;
      case "ArrowDown": case "ArrowLeft": go(V.level - big); break;
      case "PageUp": go(V.level + 10 * big); break;
      case "PageDown": go(V.level - 10 * big); break;
      case "Home": go(START); break;
      case "End": go(STOP - 1); break;
      case "+": case "=": centreZoom(1.5); break;
      case "-": case "_": centreZoom(1 / 1.5); break;
      case "f": case "F": case "0": fit(); break;
      case "g": case "G": toggleGrid(); break;
      case "t": nextTower(1); break;
      case "T": nextTower(-1); break;
      default: handled = false;
    }
    if (handled) e.preventDefault();
  });

  function lightbox(s, caption) { $("lbimg").src = s; $("lbcap").textContent = caption + " — click or Esc to close"; $("lightbox").hidden = false; }
  function closeLightbox() { $("lightbox").hidden = true; $("lbimg").removeAttribute("src"); }
  $("lightbox").addEventListener("click", closeLightbox);

  function fromHash() {
    var m = /(?:^#|&)level=(-?\d+)/.exec(location.hash);
    if (!m) return null;
    var lv = parseInt(m[1], 10);
    if (lv < START || lv >= STOP) {
      problems.push("Level " + lv + " (from the link) is not in this build, which holds levels " + START + "–" + (STOP - 1) + "; showing level " + clamp(lv) + ".");
      banner();
    }
    return clamp(lv);
  }
  window.addEventListener("hashchange", function () { var lv = fromHash(); if (lv != null) go(lv, { fromHash: true }); });

  /* ------------------------------------------------------------ start */
  fit();
  var first = fromHash();
  go(first == null ? START : first, { fromHash: first != null });
  num.value = V.level;
  drawGauge();
  if (hasSection && section.complete) drawMarker(V.level);
  V.ready = true;
})();
