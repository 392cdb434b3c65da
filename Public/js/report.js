// The weekly report form: saves what is typed in the background, keeps a copy on the phone
// when the connection drops and sends it again, and adds lines. The form works without it.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) { return; }

  // A refused form: its summary takes the focus, and each of its links reaches the field in one tap
  // (opening the collapsed part that holds it).
  function reveal(el) {
    for (var node = el; node; node = node.parentElement) { if (node.tagName === "DETAILS") { node.open = true; } }
  }
  var summary = document.getElementById("problems");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) { return; }
      event.preventDefault();
      reveal(field);
      field.scrollIntoView({ block: "center" });
      field.focus();
    });
  }

  // A locked report is read-only: no autosave, no local copy.
  if (!form.hasAttribute("data-autosave") || !window.fetch) { return; }
  var status = document.getElementById("autosave-status");
  var key = form.getAttribute("data-storage-key");
  var url = form.getAttribute("data-autosave");
  var serverTime = Date.parse(form.getAttribute("data-updated-at") || "") || 0;
  var timer = null;
  var sending = false;
  var lang = document.documentElement.lang;
  var words = lang === "en"
    ? { saved: "Saved automatically at ", offline: "No connection: NOT saved yet. Kept on this device, sent again when back online.",
        restored: "Restored what you typed on this device at ", notSent: " (not yet on the server).",
        locked: "NOT saved: ", session: "NOT saved: your session has ended. Sign in again; what you typed is kept on this device.",
        refused: "NOT saved (the server answered ", refusedEnd: "). What you typed is kept on this device." }
    : { saved: "Đã tự lưu lúc ", offline: "Mất kết nối: CHƯA lưu. Nội dung được giữ trên máy này và sẽ gửi lại khi có mạng.",
        restored: "Đã khôi phục nội dung gõ trên máy này lúc ", notSent: " (chưa gửi lên máy chủ).",
        locked: "KHÔNG lưu được: ", session: "KHÔNG lưu được: phiên đăng nhập đã hết. Hãy đăng nhập lại; nội dung vẫn giữ trên máy này.",
        refused: "KHÔNG lưu được (máy chủ trả lời ", refusedEnd: "). Nội dung vẫn giữ trên máy này." };

  document.documentElement.classList.add("js");

  function say(text) { if (status) { status.textContent = text; } }
  function csrf() { return form.querySelector("input[name=_csrf]").value; }
  function body() {
    var data = new URLSearchParams(new FormData(form));
    data.delete("action");
    return data;
  }
  function keepLocally(pending) {
    try { localStorage.setItem(key, JSON.stringify({ at: Date.now(), pending: pending, fields: body().toString() })); } catch (e) { /* storage full or off */ }
  }

  function send() {
    if (sending) { return; }
    sending = true;
    keepLocally(true);
    if (navigator.onLine === false) { say(words.offline); sending = false; return; }
    // Only a 2xx answer is "saved": a locked report (409), an ended session (401/403) or any other
    // refusal says so, and the copy stays on this device.
    fetch(url, { method: "POST", body: body(), credentials: "same-origin",
                 headers: { "X-CSRF-Token": csrf(), "Accept": "application/json" } })
      .then(function (response) {
        if (response.ok) {
          return response.json().then(function (saved) { keepLocally(false); say(words.saved + saved.time); });
        }
        if (response.status === 401 || response.status === 403) { say(words.session); return null; }
        return response.json().then(function (answer) {
          var message = answer && answer.error && answer.error.message;
          if ((response.status === 409 || response.status === 423) && message) { say(words.locked + message); }
          else { say(words.refused + response.status + (message ? ": " + message : "") + words.refusedEnd); }
        }, function () { say(words.refused + response.status + words.refusedEnd); });
      }, function () { say(words.offline); })
      .then(function () { sending = false; }, function () { sending = false; });
  }

  function schedule() {
    keepLocally(true);
    clearTimeout(timer);
    timer = setTimeout(send, 1500);
  }

  function renumber(line, index) {
    line.querySelectorAll("[name],[id],[for],[aria-describedby]").forEach(function (el) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) { el.setAttribute(attr, value.replace(/\[\d+\]/, "[" + index + "]").replace(/^([wp])\d+-/, "$1" + index + "-")); }
      });
    });
    var legend = line.querySelector("legend");
    if (legend) { legend.textContent = legend.textContent.replace(/\d+/, String(index + 1)); }
  }

  function addLine(kind) {
    var list = form.querySelector("[data-lines=" + kind + "]");
    var lines = list.querySelectorAll("[data-line]");
    var copy = lines[lines.length - 1].cloneNode(true);
    copy.classList.remove("has-error");
    copy.querySelectorAll(".error").forEach(function (el) { el.remove(); });
    copy.querySelectorAll("input").forEach(function (el) { el.value = ""; el.removeAttribute("aria-invalid"); });
    copy.querySelectorAll("select").forEach(function (el) { el.selectedIndex = el.multiple ? -1 : 0; });
    copy.querySelectorAll("small, .from-plan").forEach(function (el) { el.remove(); });
    copy.querySelectorAll("details").forEach(function (el) { el.open = false; });
    copy.querySelectorAll("[data-proposal]").forEach(function (el) { el.hidden = true; el.textContent = ""; });
    renumber(copy, lines.length);
    list.appendChild(copy);
    var first = copy.querySelector("input,select");
    if (first) { first.focus(); }
    return copy;
  }

  // Choosing an activity type fills in its usual unit when the unit is still empty.
  form.addEventListener("change", function (event) {
    var el = event.target;
    if (el.name && /\[activityType\]$/.test(el.name)) {
      var unit = form.querySelector("[name='" + el.name.replace("activityType", "unit") + "']");
      var option = el.options[el.selectedIndex];
      if (unit && !unit.value && option && option.getAttribute("data-unit")) { unit.value = option.getAttribute("data-unit"); }
    }
    schedule();
  });
  form.addEventListener("input", schedule);

  // Forgiving quantities: "3 buổi" in the quantity becomes 3 and buổi (the server reads it the
  // same way on save); a line written as a sentence gets its quantity and unit PROPOSED, applied
  // only when the reporter taps the proposal. The rule lives on the server (one rule).
  var proposalURL = form.getAttribute("data-proposal-url");
  function ask(text) {
    return fetch(proposalURL + "?text=" + encodeURIComponent(text), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; }, function () { return null; });
  }
  function lineOf(el) { return el.closest ? el.closest("[data-line]") : null; }
  form.addEventListener("change", function (event) {
    var el = event.target;
    var line = lineOf(el);
    if (!line || !proposalURL) { return; }
    var quantity = line.querySelector("[data-quantity]"), unit = line.querySelector("[data-unit]");
    var box = line.querySelector("[data-proposal]");
    if (el.hasAttribute("data-quantity") && /[^\d.,\s]/.test(el.value)) {
      ask(el.value).then(function (answer) {
        var split = answer && answer.split;
        if (!split || (unit.value && unit.value.toLowerCase() !== split.unit.toLowerCase())) { return; }
        quantity.value = split.quantity;
        unit.value = split.unit;
        schedule();
      });
    } else if (el.hasAttribute("data-describes") && box && !quantity.value && el.value.trim()) {
      ask(el.value).then(function (answer) {
        var proposal = answer && answer.proposal;
        box.textContent = "";
        box.hidden = !proposal;
        if (!proposal) { return; }
        box.appendChild(document.createTextNode(form.getAttribute("data-proposal-text")
          .replace("%@", proposal.quantity).replace("%@", proposal.unit) + " "));
        var accept = document.createElement("button");
        accept.type = "button";
        accept.className = "button secondary small";
        accept.textContent = form.getAttribute("data-proposal-accept");
        accept.addEventListener("click", function () {
          quantity.value = proposal.quantity;
          if (!unit.value) { unit.value = proposal.unit; }
          box.hidden = true;
          schedule();
          quantity.focus();
        });
        box.appendChild(accept);
      });
    }
  });
  form.querySelectorAll("[data-add-line]").forEach(function (button) {
    button.addEventListener("click", function () { addLine(button.getAttribute("data-add-line")); });
  });
  form.addEventListener("submit", function () { clearTimeout(timer); try { localStorage.removeItem(key); } catch (e) { /* ignore */ } });
  window.addEventListener("online", function () {
    try { if (JSON.parse(localStorage.getItem(key) || "{}").pending) { send(); } } catch (e) { /* ignore */ }
  });

  // A copy kept on this device that the server never received comes back into the form.
  try {
    var local = JSON.parse(localStorage.getItem(key) || "null");
    if (local && local.pending && local.at > serverTime) {
      var fields = new URLSearchParams(local.fields);
      var multi = {};
      fields.forEach(function (value, name) {
        var match = /^(work|plans)\[(\d+)\]/.exec(name);
        if (match) {
          var list = form.querySelector("[data-lines=" + match[1] + "]");
          while (list.querySelectorAll("[data-line]").length <= Number(match[2])) { addLine(match[1]); }
        }
        var el = form.querySelector("[name='" + name + "']");
        if (!el) { return; }
        if (el.type === "checkbox") { el.checked = true; }
        else if (el.multiple) {
          if (!multi[name]) { multi[name] = true; Array.prototype.forEach.call(el.options, function (o) { o.selected = false; }); }
          Array.prototype.forEach.call(el.options, function (o) { if (o.value === value) { o.selected = true; } });
        } else { el.value = value; }
      });
      say(words.restored + new Date(local.at).toLocaleString(lang === "en" ? "en-GB" : "vi-VN",
        { hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit" }) + words.notSent);
      send();
    }
  } catch (e) { /* a broken copy is ignored */ }
})();
