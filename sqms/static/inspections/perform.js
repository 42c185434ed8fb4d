/* Performing an inspection: every answer is saved on the server as the inspector goes.
   Unsent answers wait in localStorage (a closed tab or a lost connection loses nothing) and
   are sent again when the connection comes back or the page is opened again. */
(function () {
  "use strict";
  var root = document.getElementById("perform");
  if (!root || !window.fetch) return;
  var pk = root.getAttribute("data-inspection");
  var key = "sqms-perform-" + pk;
  var state = JSON.parse(document.getElementById("perform-state").textContent);
  var sync = document.getElementById("sync-state");
  var csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  var busy = false, timer = null;
  var T = {
    saved: root.getAttribute("data-saved") || "saved",
    saving: "…",
    offline: root.getAttribute("data-offline") || "offline: kept on this device, sent when back online",
    choose: root.getAttribute("data-choose") || "choose an answer"
  };

  function load() {
    try { return JSON.parse(localStorage.getItem(key) || "{}") || {}; } catch (e) { return {}; }
  }
  function store(queue) {
    try {
      if (Object.keys(queue).length) localStorage.setItem(key, JSON.stringify(queue));
      else localStorage.removeItem(key);
    } catch (e) { /* private mode: the server copy is all there is */ }
  }
  function cardOf(item) { return document.getElementById("item-" + item); }
  function setState(el, text, error) {
    if (!el) return;
    el.textContent = text;
    el.className = "state" + (error ? " error" : "");
  }

  function collect(card) {
    var scoring = card.getAttribute("data-scoring");
    var data = { note: card.querySelector("textarea[name=note]").value, result: "", value: "" };
    var checked = card.querySelector("input[name=result]:checked");
    if (scoring === "pass_fail") {
      data.result = checked ? checked.value : "";
    } else if (scoring === "scale") {
      var v = card.querySelector("input[name=value]:checked");
      if (checked) data.result = "na"; else if (v) data.value = v.value;
    } else {
      var na = card.querySelector("input[name=na]");
      if (na && na.checked) data.result = "na";
      else data.value = card.querySelector("input[name=value]").value;
    }
    data.answered = !!(data.result || data.value !== "");
    return data;
  }

  function restore(card, data) {
    var scoring = card.getAttribute("data-scoring");
    card.querySelector("textarea[name=note]").value = data.note || "";
    card.querySelectorAll("input[type=radio]").forEach(function (r) { r.checked = false; });
    if (scoring === "numeric") {
      card.querySelector("input[name=value]").value = data.value || "";
      var na = card.querySelector("input[name=na]");
      if (na) na.checked = data.result === "na";
    } else {
      var sel = data.result
        ? card.querySelector("input[name=result][value='" + data.result + "']")
        : card.querySelector("input[name=value][value='" + data.value + "']");
      if (sel) sel.checked = true;
    }
  }

  function showScore(s) {
    state.version = s.version;
    var fields = document.querySelectorAll(
      "#submit-form input[name=version], form.narrative-edit input[name=version]");
    Array.prototype.forEach.call(fields, function (v) { v.value = s.version; });
    document.getElementById("running-score").textContent = s.score === null ? "—" : s.score + " %";
  }

  function countAnswered() {
    var n = 0;
    Object.keys(state.saved).forEach(function (k) { if (state.saved[k].answered) n++; });
    document.getElementById("answered-count").textContent = n;
  }

  function markCard(card, answer) {
    card.classList.toggle("answered", !!answer.answered);
    card.classList.toggle("failed", !!answer.failed);
  }

  function enqueue(card) {
    var data = collect(card);
    var item = card.getAttribute("data-item");
    if (!data.answered) { setState(card.querySelector("[data-role=state]"), T.choose, false); return; }
    var queue = load();
    data.stamp = Date.now() + ":" + Math.random();
    queue[item] = data;
    store(queue);
    flush();
  }

  function retryLater() {
    setState(sync, T.offline, true);
    clearTimeout(timer);
    timer = setTimeout(flush, 8000);
  }

  function flush() {
    if (busy) return;
    var queue = load();
    var items = Object.keys(queue);
    if (!items.length) { setState(sync, T.saved, false); return; }
    busy = true;
    setState(sync, T.saving + " " + items.length, false);
    var item = items[0], data = queue[item], card = cardOf(item);
    var url = card ? card.getAttribute("action") : null;
    if (!url) { delete queue[item]; store(queue); busy = false; flush(); return; }
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ result: data.result, value: data.value, note: data.note })
    }).then(function (r) {
      return r.json().then(function (body) { return { status: r.status, body: body }; },
                           function () { return { status: r.status, body: {} }; });
    }).then(function (res) {
      busy = false;
      var q = load();
      var cardState = card.querySelector("[data-role=state]");
      if (res.status === 200) {
        if (q[item] && q[item].stamp === data.stamp) delete q[item];
        store(q);
        state.saved[item] = res.body.answer;
        markCard(card, res.body.answer);
        setState(cardState, "", false);
        showScore(res.body);
        countAnswered();
        flush();
      } else if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        // refused (out of range, already submitted, no longer allowed): sending again will not help
        if (q[item] && q[item].stamp === data.stamp) delete q[item];
        store(q);
        setState(cardState, res.body.error || ("HTTP " + res.status), true);
        flush();
      } else {
        retryLater();
      }
    }).catch(function () { busy = false; retryLater(); });
  }

  var noteTimers = {};
  document.querySelectorAll("form.item-card").forEach(function (card) {
    card.addEventListener("change", function (e) {
      var t = e.target;
      if (t.name === "value" && t.type === "radio") {
        var na = card.querySelector("input[name=result][value=na]");
        if (na) na.checked = false;
      } else if (t.name === "result" && card.getAttribute("data-scoring") === "scale") {
        card.querySelectorAll("input[name=value]").forEach(function (r) { r.checked = false; });
      }
      enqueue(card);
    });
    card.addEventListener("input", function (e) {
      if (e.target.name !== "note" && e.target.type !== "number") return;
      var item = card.getAttribute("data-item");
      clearTimeout(noteTimers[item]);
      noteTimers[item] = setTimeout(function () { enqueue(card); }, 900);
    });
    card.addEventListener("submit", function (e) { e.preventDefault(); enqueue(card); });
  });

  function removeForm(p) {
    var f = document.createElement("form");
    f.method = "post"; f.action = p.delete_url; f.className = "inline";
    var token = document.createElement("input");
    token.type = "hidden"; token.name = "csrfmiddlewaretoken"; token.value = csrf;
    var button = document.createElement("button");
    button.type = "submit"; button.className = "btn secondary";
    button.textContent = (root.getAttribute("data-remove") || "Remove") + " " + p.name;
    f.appendChild(token); f.appendChild(button);
    return f;
  }

  document.querySelectorAll("form.photo-form").forEach(function (form) {
    var input = form.querySelector("input[type=file]");
    var stateEl = form.querySelector("[data-role=state]");
    input.addEventListener("change", function () {
      if (!input.files.length) return;
      var body = new FormData(form);
      setState(stateEl, T.saving, false);
      fetch(form.getAttribute("action"), {
        method: "POST", credentials: "same-origin", body: body,
        headers: { "Accept": "application/json", "X-CSRFToken": csrf }
      }).then(function (r) { return r.json().then(function (b) { return { status: r.status, body: b }; }); })
        .then(function (res) {
          if (res.status === 200) {
            var thumbs = form.querySelector("[data-role=thumbs]");
            res.body.photos.forEach(function (p) {
              var a = document.createElement("a"); a.href = p.url;
              var img = document.createElement("img"); img.src = p.url; img.alt = p.name;
              a.appendChild(img); thumbs.appendChild(a);
              if (p.delete_url) form.parentNode.insertBefore(removeForm(p), form.nextSibling);
            });
            setState(stateEl, T.saved, false);
            input.value = "";
          } else {
            setState(stateEl, res.body.error || ("HTTP " + res.status), true);
          }
        }).catch(function () { setState(stateEl, T.offline, true); });
    });
  });

  var submit = document.getElementById("submit-form");
  if (submit) {
    submit.addEventListener("submit", function (e) {
      if (Object.keys(load()).length) {
        e.preventDefault();
        setState(document.getElementById("submit-state"), T.offline, true);
        flush();
      }
    });
  }

  // answers this device still holds win over the page's copy: show them, then send them
  var pending = load();
  Object.keys(pending).forEach(function (item) {
    var card = cardOf(item);
    if (card) restore(card, pending[item]); else delete pending[item];
  });
  store(pending);
  countAnswered();
  window.addEventListener("online", flush);
  flush();
})();
