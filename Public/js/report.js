// The weekly report form: saves what is typed in the background, keeps a copy on the phone
// when the connection drops and sends it again, and adds lines. The form works without it.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form || !window.fetch) { return; }
  var status = document.getElementById("autosave-status");
  var key = form.getAttribute("data-storage-key");
  var url = form.getAttribute("data-autosave");
  var serverTime = Date.parse(form.getAttribute("data-updated-at") || "") || 0;
  var timer = null;
  var sending = false;
  var lang = document.documentElement.lang;
  var words = lang === "en"
    ? { saved: "Saved automatically at ", offline: "No connection: kept on this device, will be sent again.", restored: "Restored what you typed on this device." }
    : { saved: "Đã tự lưu lúc ", offline: "Mất kết nối: đã giữ trên máy này, sẽ gửi lại khi có mạng.", restored: "Đã khôi phục nội dung bạn gõ trên máy này." };

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
    fetch(url, { method: "POST", body: body(), credentials: "same-origin",
                 headers: { "X-CSRF-Token": csrf(), "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (saved) { keepLocally(false); say(words.saved + saved.time); })
      .catch(function () { say(words.offline); })
      .then(function () { sending = false; });
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
    copy.querySelectorAll("small").forEach(function (el) { el.remove(); });
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
      say(words.restored);
      send();
    }
  } catch (e) { /* a broken copy is ignored */ }
})();
