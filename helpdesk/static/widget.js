/*
 * GLM Coding Plan support widget. One tag on any page:
 *
 *   <script src="https://helpdesk.example.com/widget.js" data-api="https://helpdesk.example.com" async></script>
 *
 * Optional data-* attributes: data-title, data-greeting, data-position ("right" or "left"),
 * data-color (the accent, any CSS colour), data-text-color (text on the accent), data-open ("true": start open),
 * data-support-url (the human support link, if the API's /v1/config cannot be read).
 * The page's origin must be in the server's HELPDESK_ALLOWED_ORIGINS unless it is the server's own.
 *
 * Plain JavaScript, no build step, no third-party code. Everything lives in a Shadow DOM, so the page's CSS
 * and ours never meet. Every text from a person or a document is set with textContent, never parsed as HTML,
 * and only http(s) links are made: a <script> or an <img onerror> in a question or a page stays text.
 */
(function () {
  "use strict";
  if (window.__glmHelpdeskWidget) return; // the tag pasted twice: one widget
  window.__glmHelpdeskWidget = true;

  var script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  var data = (script && script.dataset) || {};
  var scriptUrl = script && script.src ? new URL(script.src, location.href) : new URL(location.href);
  var api = new URL(data.api || "/", scriptUrl).href.replace(/\/+$/, "");
  var TITLE = data.title || "GLM Coding Plan support";
  var GREETING = data.greeting ||
    "Hi! Ask me about GLM Coding Plan quotas, prices, upgrades, referral credits, tool setup or error codes.";
  var LEFT = /left/i.test(data.position || "");
  var HISTORY_TURNS = 12;
  var ROUTE_LABELS = {
    rules: "Exact figure from the docs",
    retrieval: "Answer from the docs",
    llm: "AI-written answer from the docs",
    abstain: "Not in the docs"
  };

  var config = { support_url: data.supportUrl || "", max_question_chars: 2000 };
  var history = [];
  var busy = false;
  var sessionId = (window.crypto && crypto.randomUUID) ? crypto.randomUUID().replace(/-/g, "")
    : String(Date.now()) + Math.random().toString(16).slice(2);

  function colour(value, fallback) {
    return value && window.CSS && CSS.supports && CSS.supports("color", value) ? value : fallback;
  }

  // --- building DOM without HTML parsing ---------------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === false || value === null || value === undefined) return;
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  var SVG = "http://www.w3.org/2000/svg";
  function icon(paths, size) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", size || 24);
    svg.setAttribute("height", size || 24);
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    paths.forEach(function (d) {
      var path = document.createElementNS(SVG, "path");
      path.setAttribute("d", d);
      svg.appendChild(path);
    });
    return svg;
  }
  var ICONS = {
    chat: ["M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"],
    close: ["M6 6l12 12M18 6L6 18"],
    down: ["M6 9l6 6 6-6"],
    send: ["M3 11.5L21 3l-8.5 18-2.2-7.3z", "M10.3 13.7L21 3"],
    up: ["M7 10v11H3V10z", "M7 10l4-8a3 3 0 0 1 3 3v4h6a2 2 0 0 1 2 2.3l-1.4 8A2 2 0 0 1 18.6 21H7"],
    down2: ["M17 14V3h4v11z", "M17 14l-4 8a3 3 0 0 1-3-3v-4H4a2 2 0 0 1-2-2.3l1.4-8A2 2 0 0 1 5.4 3H17"]
  };

  function safeUrl(value) {
    try {
      var url = new URL(value, api);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function link(href, text) {
    var url = safeUrl(href);
    if (!url) return el("span", { text: text });
    return el("a", { href: url, target: "_blank", rel: "noopener noreferrer", text: text });
  }

  // --- styles (our own; the page's never reach in) -----------------------------------------------------------
  var CSS_TEXT = [
    ":host{all:initial}",
    "*{box-sizing:border-box}",
    ".root{--accent:#1d4ed8;--accent-text:#fff;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,",
    "'Helvetica Neue',Arial,sans-serif;color:#1f2937;position:fixed;bottom:20px;right:20px;z-index:2147483000;",
    "display:flex;flex-direction:column;align-items:flex-end;gap:12px}",
    ".root.left{right:auto;left:20px;align-items:flex-start}",
    "button{font:inherit;cursor:pointer}",
    "button:focus-visible,a:focus-visible,.log:focus-visible{outline:3px solid var(--accent);outline-offset:2px}",
    "header button:focus-visible{outline-color:var(--accent-text)}",
    ".launcher{width:58px;height:58px;border-radius:50%;border:none;background:var(--accent);color:var(--accent-text);",
    "display:grid;place-items:center;box-shadow:0 6px 20px rgba(15,23,42,.28);transition:transform .15s}",
    ".launcher:hover{transform:scale(1.06)}",
    ".launcher svg{fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}",
    ".panel{width:380px;max-width:calc(100vw - 40px);height:560px;max-height:calc(100vh - 110px);background:#fff;",
    "border-radius:16px;box-shadow:0 12px 40px rgba(15,23,42,.25);display:flex;flex-direction:column;",
    "overflow:hidden;border:1px solid #e5e7eb}",
    ".panel[hidden]{display:none}",
    "header{background:var(--accent);color:var(--accent-text);padding:10px 8px 10px 16px;display:flex;",
    "align-items:center;gap:8px}",
    ".heading{flex:1;min-width:0;display:flex;flex-direction:column;align-items:flex-start;gap:1px}",
    "h2{font-size:16px;font-weight:600;margin:0;max-width:100%;overflow:hidden;text-overflow:ellipsis;",
    "white-space:nowrap}",
    ".human{background:none;color:inherit;border:none;padding:0;font-size:13px;opacity:.9;",
    "text-decoration:underline;text-underline-offset:2px}",
    ".human:hover{opacity:1}",
    ".close{background:transparent;color:inherit;border:none;width:36px;height:36px;border-radius:8px;",
    "display:grid;place-items:center}",
    ".close:hover{background:rgba(255,255,255,.18)}",
    ".close svg{fill:none;stroke:currentColor;stroke-width:2.2;stroke-linecap:round}",
    ".log{flex:1;overflow-y:auto;padding:16px 14px;background:#f8fafc;display:flex;flex-direction:column;gap:12px}",
    ".msg{display:flex;flex-direction:column;max-width:88%}",
    ".msg.user{align-self:flex-end;align-items:flex-end}",
    ".msg.bot{align-self:flex-start}",
    ".bubble{padding:9px 13px;border-radius:14px;white-space:pre-wrap;overflow-wrap:anywhere;margin:0}",
    ".user .bubble{background:var(--accent);color:var(--accent-text);border-bottom-right-radius:4px}",
    ".bot .bubble{background:#fff;border:1px solid #e5e7eb;border-bottom-left-radius:4px}",
    ".meta{font-size:12.5px;color:#4b5563;margin:6px 2px 0;display:flex;flex-direction:column;gap:5px}",
    ".meta:empty{display:none}",
    ".sources{margin:0;padding:0;list-style:none;display:flex;flex-direction:column;gap:3px}",
    ".sources li{overflow-wrap:anywhere}",
    ".meta a{color:var(--accent);font-weight:500}",
    ".date{color:#6b7280}",
    ".route{color:#6b7280}",
    ".notice{background:#fff7ed;border:1px solid #fed7aa;color:#9a3412;border-radius:8px;padding:6px 9px;margin:0}",
    ".handoff{margin:0}",
    ".rate{display:flex;align-items:center;gap:6px}",
    ".rate button{background:#fff;border:1px solid #d1d5db;border-radius:8px;width:32px;height:28px;",
    "display:grid;place-items:center;color:#4b5563}",
    ".rate button:hover:not(:disabled){border-color:var(--accent);color:var(--accent)}",
    ".rate button[aria-pressed=true]{background:var(--accent);border-color:var(--accent);color:var(--accent-text)}",
    ".rate button:disabled{cursor:default}",
    ".rate svg{fill:none;stroke:currentColor;stroke-width:2;stroke-linejoin:round}",
    ".typing{display:inline-flex;gap:4px;padding:4px 0}",
    ".typing i{width:7px;height:7px;border-radius:50%;background:#9ca3af;animation:blink 1.2s infinite both}",
    ".typing i:nth-child(2){animation-delay:.2s}.typing i:nth-child(3){animation-delay:.4s}",
    "@keyframes blink{0%,80%,100%{opacity:.25}40%{opacity:1}}",
    "form{display:flex;gap:8px;padding:10px;border-top:1px solid #e5e7eb;background:#fff;align-items:flex-end}",
    "textarea{flex:1;resize:none;border:1px solid #d1d5db;border-radius:10px;padding:9px 11px;font:inherit;",
    "font-size:16px;line-height:1.35;max-height:120px;min-height:40px;color:#111827;background:#fff}",
    "textarea:focus{border-color:var(--accent);outline:1px solid var(--accent);outline-offset:0}",
    ".send{width:42px;height:42px;border:none;border-radius:10px;background:var(--accent);color:var(--accent-text);",
    "display:grid;place-items:center;flex:none}",
    ".send:disabled{opacity:.5;cursor:default}",
    ".send svg{fill:none;stroke:currentColor;stroke-width:2;stroke-linejoin:round;stroke-linecap:round}",
    ".foot{font-size:11.5px;color:#6b7280;text-align:center;padding:0 10px 8px;background:#fff;margin:0}",
    ".sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    "@media (max-width:480px){",
    ".root{right:12px;bottom:12px}.root.left{left:12px}",
    ".root.open{inset:0;gap:0}",
    ".root.open .panel{width:100%;max-width:none;height:100%;max-height:none;border-radius:0;border:none}",
    ".root.open .launcher{display:none}",
    "}",
    "@media (prefers-reduced-motion:reduce){.launcher{transition:none}.typing i{animation:none}}"
  ].join("");

  // --- the widget --------------------------------------------------------------------------------------------
  function mount() {
    var host = el("div", { id: "glm-helpdesk-widget" });
    var shadow = host.attachShadow({ mode: "open" });
    var style = document.createElement("style");
    style.textContent = CSS_TEXT;

    var closeButton = el("button", { type: "button", className: "close", "aria-label": "Close support chat" },
      [icon(ICONS.close, 20)]);
    var humanButton = el("button", { type: "button", className: "human", text: "Talk to a person" });
    var log = el("div", { className: "log", role: "log", "aria-live": "polite", "aria-label": "Conversation",
      tabindex: "0" });
    var input = el("textarea", { id: "glm-question", rows: "1", placeholder: "Ask a question…",
      "aria-label": "Your question", maxlength: String(config.max_question_chars) });
    var send = el("button", { type: "submit", className: "send", "aria-label": "Send question" },
      [icon(ICONS.send, 20)]);
    var form = el("form", {}, [input, send]);
    var panel = el("section", { className: "panel", id: "glm-panel", role: "dialog", "aria-modal": "false",
      "aria-labelledby": "glm-title", hidden: true }, [
      el("header", {}, [el("div", { className: "heading" }, [el("h2", { id: "glm-title", text: TITLE }),
        humanButton]), closeButton]),
      log, form,
      el("p", { className: "foot", text: "Answers are quoted from the GLM Coding Plan docs." })
    ]);
    var launcherIcon = icon(ICONS.chat, 26);
    var launcher = el("button", { type: "button", className: "launcher", "aria-label": "Open " + TITLE + " chat",
      "aria-expanded": "false", "aria-controls": "glm-panel" }, [launcherIcon]);
    var root = el("div", { className: "root" + (LEFT ? " left" : "") }, [panel, launcher]);
    root.style.setProperty("--accent", colour(data.color, "#1d4ed8"));
    root.style.setProperty("--accent-text", colour(data.textColor, "#ffffff"));
    shadow.appendChild(style);
    shadow.appendChild(root);
    document.body.appendChild(host);

    var configLoaded = null;
    function loadConfig() {
      if (!configLoaded) {
        configLoaded = fetch(api + "/v1/config", { credentials: "omit" }).then(function (r) {
          return r.ok ? r.json() : null;
        }).then(function (c) {
          if (c) {
            config.support_url = c.support_url || config.support_url;
            config.max_question_chars = c.max_question_chars || config.max_question_chars;
            input.setAttribute("maxlength", String(config.max_question_chars));
          }
        }).catch(function () { /* the widget still works; the handoff uses data-support-url */ });
      }
      return configLoaded;
    }

    function scrollDown() { log.scrollTop = log.scrollHeight; }

    function setOpen(open) {
      panel.hidden = !open;
      root.classList.toggle("open", open);
      launcher.setAttribute("aria-expanded", String(open));
      launcher.setAttribute("aria-label", (open ? "Close " : "Open ") + TITLE + " chat");
      launcher.replaceChild(icon(open ? ICONS.down : ICONS.chat, 26), launcher.firstChild);
      if (open) {
        loadConfig();
        scrollDown();
        input.focus();
      } else {
        launcher.focus();
      }
    }

    function userMessage(text) {
      log.appendChild(el("div", { className: "msg user" }, [el("p", { className: "bubble", text: text })]));
      scrollDown();
    }

    function handoff() {
      var url = safeUrl(config.support_url);
      if (!url) return el("p", { className: "handoff", text: "Need a person? Please contact Z.ai support." });
      return el("p", { className: "handoff" }, [document.createTextNode("Want to talk to a person? "),
        link(url, "Contact Z.ai support")]);
    }

    function botMessage(text) {
      var bubble = el("p", { className: "bubble", text: text || "" });
      var meta = el("div", { className: "meta" });
      var node = el("div", { className: "msg bot" }, [bubble, meta]);
      log.appendChild(node);
      scrollDown();
      return { node: node, bubble: bubble, meta: meta };
    }

    function typing(message) {
      message.bubble.textContent = "";
      message.bubble.appendChild(el("span", { className: "typing", "aria-label": "Answer on its way" },
        [el("i"), el("i"), el("i")]));
    }

    function notice(message, text) {
      message.shown = message.shown || [];
      if (message.shown.indexOf(text) >= 0) return; // the error event and the answer's note say the same
      message.shown.push(text);
      message.meta.appendChild(el("p", { className: "notice", role: "status", text: text }));
    }

    function rating(question, answer, message) {
      var box = el("div", { className: "rate" });
      var thanks = el("span", { role: "status" });
      function vote(value, button) {
        up.disabled = down.disabled = true;
        button.setAttribute("aria-pressed", "true");
        fetch(api + "/v1/feedback", {
          method: "POST", credentials: "omit", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({
            rating: value, answer_id: answer.id, token: answer.feedback_token,
            question: question, answer: answer.text, route: answer.route,
            sources: (answer.sources || []).map(function (s) { return s.url; }),
            session_id: sessionId, surface: "widget"
          })
        }).then(function (r) {
          if (!r.ok) throw new Error("HTTP " + r.status);
          thanks.textContent = "Thanks for the feedback.";
        }).catch(function () {
          thanks.textContent = "Sorry, the feedback could not be sent.";
          up.disabled = down.disabled = false;
          button.setAttribute("aria-pressed", "false");
        });
      }
      var up = el("button", { type: "button", "aria-label": "Helpful", title: "Helpful", "aria-pressed": "false" },
        [icon(ICONS.up, 16)]);
      var down = el("button", { type: "button", "aria-label": "Not helpful", title: "Not helpful",
        "aria-pressed": "false" }, [icon(ICONS.down2, 16)]);
      up.addEventListener("click", function () { vote(1, up); });
      down.addEventListener("click", function () { vote(-1, down); });
      box.appendChild(up);
      box.appendChild(down);
      box.appendChild(thanks);
      message.meta.appendChild(box);
    }

    function finish(question, answer, message) {
      message.bubble.textContent = answer.text;
      var sources = answer.sources || [];
      if (sources.length) {
        var list = el("ul", { className: "sources", "aria-label": "Sources" });
        sources.forEach(function (s) {
          list.appendChild(el("li", {}, [link(s.url, s.title || s.url),
            el("span", { className: "date", text: s.as_of ? " · as of " + s.as_of : "" })]));
        });
        message.meta.appendChild(el("span", { className: "route", text: "Sources" }));
        message.meta.appendChild(list);
      }
      message.meta.appendChild(el("span", { className: "route", text: ROUTE_LABELS[answer.route] || "" }));
      (answer.notes || []).forEach(function (note) {
        if (/^AI (answer|question rewrite) unavailable/.test(note)) notice(message, note);
      });
      if (answer.offer_human) message.meta.appendChild(handoff());
      rating(question, answer, message);
      history.push({ role: "user", content: question }, { role: "assistant", content: answer.text });
      scrollDown();
    }

    function problemText(status, body, retryAfter) {
      var detail = body && body.detail;
      if (Array.isArray(detail)) detail = detail.map(function (d) { return d.msg; }).join("; ");
      if (status === 429) {
        return "You're sending questions quickly; please wait " + (retryAfter || "a few") +
          " seconds and try again.";
      }
      return typeof detail === "string" && detail ? detail : "The assistant could not answer (HTTP " + status + ").";
    }

    function parseEvent(block) {
      var kind = "message";
      var lines = [];
      block.split("\n").forEach(function (line) {
        line = line.replace(/\r$/, "");
        if (!line || line.charAt(0) === ":") return; // a keep-alive comment
        var colon = line.indexOf(":");
        var field = colon < 0 ? line : line.slice(0, colon);
        var value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") kind = value;
        else if (field === "data") lines.push(value);
      });
      if (!lines.length) return null;
      try {
        return { kind: kind, data: JSON.parse(lines.join("\n")) };
      } catch (e) {
        return null;
      }
    }

    async function ask(question) {
      busy = true;
      send.disabled = true;
      log.setAttribute("aria-busy", "true");
      userMessage(question);
      var message = botMessage("");
      typing(message);
      var streamed = "";
      var final = null;
      function handle(event) {
        if (event.kind === "token") {
          streamed += event.data.text || "";
          message.bubble.textContent = streamed;
          scrollDown();
        } else if (event.kind === "error") {
          notice(message, event.data.message || "Something went wrong.");
        } else if (event.kind === "answer") {
          final = event.data;
        }
      }
      try {
        var response = await fetch(api + "/v1/answer/stream", {
          method: "POST", credentials: "omit",
          headers: { "Content-Type": "application/json", "Accept": "text/event-stream" },
          body: JSON.stringify({ question: question, history: history.slice(-HISTORY_TURNS), session_id: sessionId })
        });
        if (!response.ok) {
          var body = null;
          try { body = await response.json(); } catch (e) { /* not JSON */ }
          message.bubble.textContent = problemText(response.status, body, response.headers.get("Retry-After"));
          message.node.classList.add("failed");
          return;
        }
        var buffer = "";
        var decoder = new TextDecoder();
        if (response.body && response.body.getReader) {
          var reader = response.body.getReader();
          for (;;) {
            var chunk = await reader.read();
            buffer += decoder.decode(chunk.value || new Uint8Array(0), { stream: !chunk.done });
            var cut;
            while ((cut = buffer.indexOf("\n\n")) >= 0) {
              var event = parseEvent(buffer.slice(0, cut));
              buffer = buffer.slice(cut + 2);
              if (event) handle(event);
            }
            if (chunk.done) break;
          }
        } else {
          (await response.text()).split("\n\n").forEach(function (block) {
            var event = parseEvent(block);
            if (event) handle(event);
          });
        }
        if (final) {
          finish(question, final, message);
        } else {
          message.bubble.textContent = streamed || "The answer broke off before it was complete.";
          notice(message, "The connection was interrupted; please ask again.");
          message.meta.appendChild(handoff());
        }
      } catch (error) {
        message.bubble.textContent = "Sorry, the assistant can't be reached right now. Please try again.";
        message.meta.appendChild(handoff());
      } finally {
        busy = false;
        send.disabled = false;
        log.removeAttribute("aria-busy");
        scrollDown();
      }
    }

    function grow() {
      input.style.height = "auto";
      input.style.height = Math.min(input.scrollHeight, 120) + "px";
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var question = input.value.trim();
      if (!question || busy) return;
      if (question.length > config.max_question_chars) {
        botMessage("Please keep questions under " + config.max_question_chars + " characters.");
        return;
      }
      input.value = "";
      grow();
      ask(question);
    });
    input.addEventListener("input", grow);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
      }
    });
    root.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !panel.hidden) {
        event.stopPropagation();
        setOpen(false);
      }
    });
    launcher.addEventListener("click", function () { setOpen(panel.hidden); });
    closeButton.addEventListener("click", function () { setOpen(false); });
    humanButton.addEventListener("click", function () {
      loadConfig().then(function () {
        var message = botMessage("You can reach a person at Z.ai support; they can help with anything I can't.");
        message.meta.appendChild(handoff());
        scrollDown();
      });
    });

    botMessage(GREETING);
    if (data.open === "true") setOpen(true);
  }

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
