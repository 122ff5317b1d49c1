/* Dossier Intake review UI: light enhancements over server-rendered pages (no build step, no CDN). */
(function () {
  "use strict";

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  /* ---- upload: drag and drop onto the file input ---- */
  var drop = $("#dropzone"), input = $("#files");
  if (drop && input) {
    var list = $("#chosen");
    var show = function () {
      list.innerHTML = "";
      Array.prototype.forEach.call(input.files, function (f) {
        var li = document.createElement("li"); li.textContent = f.name; list.appendChild(li);
      });
    };
    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach(function (ev) {
      drop.addEventListener(ev, function (e) { e.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (ev) {
      drop.addEventListener(ev, function (e) { e.preventDefault(); drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (e) { input.files = e.dataTransfer.files; show(); });
  }

  /* ---- progress: poll the JSON status endpoint ---- */
  var progress = $("#progress");
  if (progress) {
    var names = JSON.parse(progress.dataset.names || "{}");
    var named = function (code) { return names[code] || code; };
    var docNames = JSON.parse(progress.dataset.docNames || "{}");
    var docNamed = function (code) { return code ? docNames[code] || code : ""; };
    var poll = function () {
      fetch(progress.dataset.statusUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); })
        .then(function (s) {
          $("#pages-done").textContent = s.pages_done;
          $("#pages-total").textContent = s.pages_total;
          $("#pages-failed").textContent = s.pages_failed;
          var bar = $("#bar"); bar.max = s.pages_total || 1; bar.value = s.pages_done + s.pages_failed;
          var st = $("#dossier-status"); st.dataset.status = s.status; st.textContent = named(s.status);
          var rows = $("#page-rows"); rows.innerHTML = "";
          s.pages.forEach(function (p) {
            var tr = document.createElement("tr");
            [p.file, p.page, named(p.status), docNamed(p.doc_type) + (p.error ? " " + p.error : "")].forEach(function (v) {
              var td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
            });
            rows.appendChild(tr);
          });
          if (s.finished) {
            $("#to-review").hidden = false;
            var title = $("#progress-title");  // reading is over: the heading no longer says 正在读取
            if (title) { title.textContent = s.status === "failed" ? title.dataset.failedTitle : title.dataset.doneTitle; }
          } else { setTimeout(poll, 1000); }
        }).catch(function () { setTimeout(poll, 3000); });
    };
    if ($("#to-review").hidden) { setTimeout(poll, 500); }
  }

  /* ---- review page: page viewer, boxes, keyboard ---- */
  var dataNode = $("#review-data");
  if (!dataNode) { return; }
  var data = JSON.parse(dataNode.textContent);
  var pages = data.pages, current = 0, zoom = 1, rotation = 0;
  var img = $("#page-img"), sheet = $("#sheet"), boxes = $("#boxes");
  var fields = $all("li.field"), selected = -1;

  function pageIndexOf(pageId) {
    for (var i = 0; i < pages.length; i++) { if (pages[i].id === pageId) { return i; } }
    return -1;
  }

  function drawBox(bbox) {
    if (!boxes) { return; }
    boxes.innerHTML = "";
    if (!bbox || bbox.length !== 4 || !img.naturalWidth) { return; }
    var scale = img.clientWidth / img.naturalWidth;  // the box follows the image's displayed size
    var div = document.createElement("div");
    div.className = "box";
    div.style.left = (bbox[0] * scale - 3) + "px";
    div.style.top = (bbox[1] * scale - 3) + "px";
    div.style.width = ((bbox[2] - bbox[0]) * scale + 6) + "px";
    div.style.height = ((bbox[3] - bbox[1]) * scale + 6) + "px";
    boxes.appendChild(div);
  }

  function fieldBoxes() {
    // every field of the shown page gets a faint clickable box: clicking one selects its field
    if (!boxes || !img.naturalWidth) { return; }
    var scale = img.clientWidth / img.naturalWidth, pageId = pages[current] && pages[current].id;
    fields.forEach(function (li, i) {
      if (Number(li.dataset.pageId) !== pageId || !li.dataset.bbox) { return; }
      var b = li.dataset.bbox.split(",").map(Number);
      var div = document.createElement("div");
      div.className = "hit" + (i === selected ? " on" : "");
      div.style.left = b[0] * scale + "px"; div.style.top = b[1] * scale + "px";
      div.style.width = (b[2] - b[0]) * scale + "px"; div.style.height = (b[3] - b[1]) * scale + "px";
      div.addEventListener("click", function () { select(i, false); });
      boxes.appendChild(div);
    });
  }

  var pendingBox = null;
  function showPage(index, bbox) {
    if (!data.images || !pages.length) { return; }
    current = Math.max(0, Math.min(pages.length - 1, index));
    var p = pages[current];
    $("#page-label").textContent = p.file + " · " + p.page + " (" + (current + 1) + "/" + pages.length + ")";
    pendingBox = bbox || null;
    var src = data.imageBase + p.id + "/image";
    if (img.getAttribute("src") !== src) { img.setAttribute("src", src); } else { redraw(); }
  }

  function redraw() {
    drawBox(pendingBox);
    fieldBoxes();
  }

  function onImageLoad() {
    if (rotation % 180 !== 0) { applyTransform(); } else { redraw(); }  // a new page may have another shape
  }

  function applyTransform() {
    // A quarter turn swaps the page's width and height: size the sheet so that the TURNED page is as wide as
    // the stage (times zoom), and pull its margins in by half the difference, so the layout box is the turned
    // page's box and nothing is clipped at the top or the bottom (the stage scrolls over all of it).
    if (!sheet) { return; }
    var quarter = rotation % 180 !== 0;
    var ratio = img.naturalWidth ? img.naturalHeight / img.naturalWidth : 1.414;
    sheet.style.transform = "rotate(" + rotation + "deg)";
    if (!quarter) {
      sheet.style.width = (zoom * 100) + "%";
      sheet.style.margin = "0";
    } else {
      var stage = sheet.parentNode, cs = window.getComputedStyle(stage);
      var room = stage.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      var width = room * zoom / ratio, height = width * ratio, d = (height - width) / 2;
      sheet.style.width = width + "px";
      sheet.style.margin = (-d) + "px " + d + "px";
    }
    setTimeout(redraw, 0);
  }

  function select(i, scroll) {
    if (i < 0 || i >= fields.length) { return; }
    if (selected >= 0) { fields[selected].classList.remove("selected"); }
    selected = i;
    var li = fields[i];
    li.classList.add("selected");
    if (scroll !== false) { li.scrollIntoView({ block: scroll === "center" ? "center" : "nearest" }); }
    li.focus({ preventScroll: true });
    var b = li.dataset.bbox ? li.dataset.bbox.split(",").map(Number) : null;
    showPage(pageIndexOf(Number(li.dataset.pageId)), b);
  }

  function edit(li) {
    var form = $("form.edit", li);
    if (!form) { return; }
    form.hidden = false;
    var input = $(".edit-value", form); input.focus(); input.select();
  }

  if (img) {
    img.addEventListener("load", onImageLoad);
    window.addEventListener("resize", function () { if (rotation % 180 !== 0) { applyTransform(); } else { redraw(); } });
    $("#prev-page").addEventListener("click", function () { showPage(current - 1); });
    $("#next-page").addEventListener("click", function () { showPage(current + 1); });
    $("#zoom-in").addEventListener("click", function () { zoom = Math.min(4, zoom * 1.25); applyTransform(); });
    $("#zoom-out").addEventListener("click", function () { zoom = Math.max(0.25, zoom / 1.25); applyTransform(); });
    $("#rotate").addEventListener("click", function () { rotation = (rotation + 90) % 360; applyTransform(); });
  }

  fields.forEach(function (li, i) {
    li.addEventListener("click", function (e) {
      if (e.target.closest("form") || e.target.closest("button")) { return; }
      select(i);
    });
    var btn = $(".edit-btn", li);
    if (btn) { btn.addEventListener("click", function () { select(i); edit(li); }); }
  });

  $all("a.evidence").forEach(function (a) {
    a.addEventListener("click", function (e) {
      e.preventDefault();
      var fid = a.dataset.fieldId;
      if (fid) {
        var li = $("#field-" + fid);
        if (li) { select(fields.indexOf(li)); return; }
      }
      var b = a.dataset.bbox ? a.dataset.bbox.split(",").map(Number) : null;
      showPage(Number(a.dataset.pageIndex), b && b.length === 4 ? b : null);
    });
  });

  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA")) {
      if (e.key === "Escape") { var f = t.closest("form.edit"); if (f) { f.hidden = true; t.blur(); } }
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    if (e.key === "j") { select(selected + 1); e.preventDefault(); }
    else if (e.key === "k") { select(selected - 1); e.preventDefault(); }
    else if (e.key === "e" && selected >= 0) { edit(fields[selected]); e.preventDefault(); }
    else if (e.key === "Enter" && selected >= 0) {
      var accept = $("form.accept", fields[selected]);
      if (accept) { confirmField(fields[selected]); e.preventDefault(); }
    } else if (e.key === "n") {
      if (!nextDoubtful()) { say("没有存疑字段了", "ok"); }
      e.preventDefault();
    } else if (e.key === "a") {
      var approve = $("#approve");
      if (approve && !approve.disabled) { $("#approve-form").submit(); }
      else if (approve && doubtsLeft() > 0) { nextDoubtful(); say("还有 " + doubtsLeft() + " 个存疑字段未确认", "error"); }
      else if (approve) { say("还有阻断问题未解决：请先更正字段，或由档案管理员豁免", "error"); }
    }
  });

  /* ---- doubtful fields: led through in order, confirmed in place (the page keeps its place) ---- */
  function doubtsLeft() { return $all("li.field.doubtful").length; }

  function nextDoubtful() {
    for (var k = 1; k <= fields.length; k++) {
      var idx = (selected + k + fields.length) % fields.length;
      if (fields[idx].classList.contains("doubtful")) { select(idx); return true; }
    }
    return false;
  }

  var live = $("#live-message");
  function say(text, kind) {
    if (!live) { return; }
    live.textContent = text; live.className = "flash " + (kind || ""); live.hidden = false;
  }

  function afterChange(li, out) {
    // the server's word on what is still doubtful, the open blockers and whether approval is possible
    var still = {};
    (out.doubtful_field_ids || []).forEach(function (id) { still[id] = true; });
    fields.forEach(function (f) {
      if (!still[Number(f.dataset.fieldId)] && f.classList.contains("doubtful")) {
        f.classList.remove("doubtful");
        $all(".doubt-tag, .why", f).forEach(function (n) { n.remove(); });
      }
    });
    li.classList.add("corrected");
    if (!$(".tag.ok", li)) {
      var tag = document.createElement("span"); tag.className = "tag ok"; tag.textContent = "已确认";
      $(".conf", li).after(tag);
    }
    var left = (out.doubtful_field_ids || []).length;
    var count = $("#doubt-count"); if (count) { count.textContent = left; }
    var summary = $("#doubt-summary"); if (summary) { summary.className = left ? "warn" : "ok"; }
    var blockers = $("#blocker-count"); if (blockers) { blockers.textContent = out.blockers; }
    var approve = $("#approve");
    if (approve && out.blockers === 0 && left === 0) {
      approve.disabled = false; approve.removeAttribute("title");
      var hint = $("#approve-hint"); if (hint) { hint.hidden = true; }
    }
    if (left > 0) { nextDoubtful(); say("已确认，剩余 " + left + " 个存疑字段", "ok"); }
    else { say("全部存疑字段已确认" + (out.blockers ? "" : "，可以批准（按 a）"), "ok"); }
  }

  function confirmField(li) {
    var form = $("form.accept", li);
    if (!form || li.dataset.busy) { return; }
    li.dataset.busy = "1";
    fetch(form.dataset.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": form.elements.csrf_token.value },
      body: "{}"
    }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (res) {
      delete li.dataset.busy;
      if (res.ok) { afterChange(li, res.body); } else { say(res.body.error || "未能确认", "error"); }
    }).catch(function () {
      delete li.dataset.busy;
      form.submit();  // no answer from the API: the plain form (POST, then back to this field)
    });
  }

  $all("form.accept").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var li = form.closest("li.field");
      select(fields.indexOf(li), false);
      confirmField(li);
    });
  });

  // Back from a correction or a refused approval (?field=…#field-…): the same field, in view — never the top.
  var wanted = new URLSearchParams(window.location.search).get("field");
  var start = wanted ? fields.indexOf($("#field-" + wanted)) : -1;
  if (start >= 0) { select(start, "center"); return; }
  start = fields.findIndex(function (li) { return li.classList.contains("doubtful"); });
  if (start >= 0) { select(start, false); } else { showPage(0); }
})();
