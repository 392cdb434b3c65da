// Long forms (monthly reports, cell meeting minutes, a group's compiled summary) keep a copy of
// what is typed on this device. If the connection drops as the form is sent, the text comes back
// when the form is opened again, ready to be sent once more. The copy is dropped once the server
// has confirmed the submission (the page it sends back carries a notice). Forms work without it.
(function () {
  "use strict";
  var PREFIX = "giaoban-draft:";
  var SENT = "giaoban-draft-sent";
  var WEEK = 7 * 24 * 3600 * 1000;
  var english = document.documentElement.lang === "en";
  var words = english
    ? { restored: "Restored what you typed on this device but had not sent yet.", discard: "Discard it" }
    : { restored: "Đã khôi phục nội dung bạn gõ trên máy này nhưng chưa gửi được.", discard: "Bỏ nội dung này" };

  function read(key) {
    try { return JSON.parse(localStorage.getItem(PREFIX + key) || "null"); } catch (e) { return null; }
  }
  function remove(key) { try { localStorage.removeItem(PREFIX + key); } catch (e) { /* ignore */ } }

  // The server confirmed the submission just sent (the page after it carries a notice): its copy
  // is no longer needed. A notice much later belongs to something else.
  try {
    var sent = JSON.parse(sessionStorage.getItem(SENT) || "null");
    if (sent && /[?&]notice=/.test(location.search)) {
      if (Date.now() - sent.at < 60000) { remove(sent.key); }
      sessionStorage.removeItem(SENT);
    }
  } catch (e) { /* storage off */ }

  function fields(form) {
    var list = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "_csrf" || el.type === "password" || el.type === "file" || el.type === "hidden" ||
          el.type === "submit" || el.type === "button" || el.readOnly || el.disabled) { return; }
      if (el.type === "checkbox" || el.type === "radio") { list.push([el.name, el.value, el.checked]); }
      else if (el.multiple) {
        list.push([el.name, Array.prototype.filter.call(el.options, function (o) { return o.selected; }).map(function (o) { return o.value; })]);
      } else { list.push([el.name, el.value]); }
    });
    return list;
  }

  function apply(form, saved) {
    var seen = {};
    saved.forEach(function (field) {
      var name = field[0];
      var matches = form.querySelectorAll("[name='" + name.replace(/'/g, "\\'") + "']");
      if (field.length === 3) {
        Array.prototype.forEach.call(matches, function (el) { if (el.value === field[1]) { el.checked = field[2]; } });
        return;
      }
      var index = seen[name] || 0;
      seen[name] = index + 1;
      var el = matches[index];
      if (!el) { return; }
      if (el.multiple) { Array.prototype.forEach.call(el.options, function (o) { o.selected = field[1].indexOf(o.value) >= 0; }); }
      else { el.value = field[1]; }
    });
  }

  document.querySelectorAll("form[data-draft]").forEach(function (form) {
    var key = form.getAttribute("data-draft");
    var timer = null;
    var draft = read(key);
    // A refused form comes back with what was typed: nothing to restore then.
    var refused = document.querySelector(".error-summary, .alert[role=alert]");
    if (draft && Date.now() - draft.at > WEEK) { remove(key); draft = null; }
    if (draft && !refused && JSON.stringify(draft.fields) !== JSON.stringify(fields(form))) {
      apply(form, draft.fields);
      var notice = document.createElement("div");
      notice.className = "notice draft-restored";
      notice.setAttribute("role", "status");
      notice.textContent = words.restored + " ";
      var discard = document.createElement("button");
      discard.type = "button";
      discard.className = "button secondary small";
      discard.textContent = words.discard;
      discard.addEventListener("click", function () { remove(key); location.reload(); });
      notice.appendChild(discard);
      form.parentNode.insertBefore(notice, form);
    }
    function keep() {
      try { localStorage.setItem(PREFIX + key, JSON.stringify({ at: Date.now(), fields: fields(form) })); } catch (e) { /* full or off */ }
    }
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(keep, 400); });
    form.addEventListener("change", keep);
    form.addEventListener("submit", function () {
      clearTimeout(timer);
      keep();
      try { sessionStorage.setItem(SENT, JSON.stringify({ key: key, at: Date.now() })); } catch (e) { /* ignore */ }
    });
  });
})();
