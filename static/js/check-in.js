/* The check-in page: scan passes with the camera (jsQR), or find people by name; send each
   scan to the server, or, offline, verify its Ed25519 signature here against the event's
   public keys and revocation list and queue it in localStorage until the connection is back.
   Only scans (code, checkpoint, id, time) and the keys are stored: no name, nothing personal. */
(function () {
  "use strict";
  const root = document.getElementById("check-in");
  const checkpoint = document.getElementById("checkpoint");
  if (!root || !checkpoint) {
    return;
  }
  const text = root.dataset;
  const eventId = Number(text.event);
  const csrfToken = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  const queueKey = "check-in-queue-" + eventId;
  const keysKey = "check-in-keys-" + eventId;
  const REPEAT_MS = 5000;
  let verifier = null;
  let flushing = false;
  let last = { code: "", at: 0 };

  function b64decode(value) {
    if (!/^[A-Za-z0-9_-]+$/.test(value)) {
      throw new Error("not base64url");
    }
    const padded = value.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (value.length % 4)) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  function b64encode(bytes) {
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function hex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function newNonce() {
    return hex(crypto.getRandomValues(new Uint8Array(16)));
  }

  /* --- keys and the revocation list --------------------------------------------------- */

  async function useKeys(data) {
    const keys = {};
    for (const [kid, raw] of Object.entries(data.keys)) {
      try {
        keys[kid] = await crypto.subtle.importKey("raw", b64decode(raw), { name: "Ed25519" }, false, ["verify"]);
      } catch (error) {
        // A browser without Ed25519 in WebCrypto: scans are queued unverified.
      }
    }
    verifier = { keys: keys, revoked: new Set(data.revoked) };
  }

  async function refreshKeys() {
    try {
      const response = await fetch(text.keysUrl, { credentials: "same-origin", cache: "no-store" });
      if (response.ok) {
        const data = await response.json();
        localStorage.setItem(keysKey, JSON.stringify(data));
        await useKeys(data);
        return;
      }
    } catch (error) {
      // Offline: the copy kept from the last time below.
    }
    const kept = localStorage.getItem(keysKey);
    if (kept && !verifier) {
      await useKeys(JSON.parse(kept));
    }
  }

  async function verifyHere(code) {
    let data;
    try {
      data = b64decode(code);
    } catch (error) {
      return "invalid";
    }
    if (data.length !== 89 || data[0] !== 1) {
      return "invalid";
    }
    if (new DataView(data.buffer).getUint32(5) !== eventId) {
      return "wrongevent";
    }
    if (!verifier || Object.keys(verifier.keys).length === 0) {
      return "unverified";
    }
    const key = verifier.keys[hex(data.slice(1, 5))];
    if (!key) {
      return "invalid";
    }
    const valid = await crypto.subtle.verify({ name: "Ed25519" }, key, data.slice(25), data.slice(0, 25));
    if (!valid) {
      return "invalid";
    }
    return verifier.revoked.has(b64encode(data.slice(9, 25))) ? "revoked" : "queued";
  }

  /* --- the queue ------------------------------------------------------------------------ */

  function queued() {
    try {
      return JSON.parse(localStorage.getItem(queueKey)) || [];
    } catch (error) {
      return [];
    }
  }

  function saveQueue(items) {
    localStorage.setItem(queueKey, JSON.stringify(items));
    const count = items.length;
    document.getElementById("queue").textContent =
      count === 0 ? text.allSent : count === 1 ? text.waitingOne : text.waitingMany.replace("%(count)s", count);
  }

  function showConnection() {
    const badge = document.getElementById("connection");
    badge.textContent = navigator.onLine ? text.online : text.offline;
    badge.className = "badge " + (navigator.onLine ? "text-bg-success" : "text-bg-warning");
  }

  /* --- answers -------------------------------------------------------------------------- */

  function show(level, title, detail, person) {
    document.getElementById("answer").className = "answer mb-3 answer-" + level;
    document.getElementById("answer-title").textContent = title;
    document.getElementById("answer-detail").textContent = detail || "";
    const needs = document.getElementById("answer-needs");
    const who = document.getElementById("answer-person");
    who.textContent = person ? [person.name, person.organisation, person.category, person.mode].join(" · ") : "";
    needs.hidden = !(person && person.needs);
    needs.textContent = person && person.needs ? text.needsLabel + ": " + person.needs : "";
  }

  function conflict(scan, title, detail) {
    const item = document.createElement("li");
    const option = checkpoint.querySelector('option[value="' + scan.checkpoint + '"]');
    item.textContent = [
      new Date(scan.scanned_at).toLocaleTimeString(),
      option ? option.textContent : "",
      text.conflict + ": " + title,
      detail,
    ].filter(Boolean).join(" — ");
    document.getElementById("conflicts").prepend(item);
    document.getElementById("conflicts-section").hidden = false;
  }

  /* --- sending -------------------------------------------------------------------------- */

  class Refused extends Error {}

  async function send(scan) {
    let response;
    try {
      response = await fetch(text.scanUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
        body: JSON.stringify(scan),
      });
    } catch (error) {
      return null; // no connection
    }
    if (response.status === 400) {
      throw new Refused((await response.json()).error);
    }
    if (!response.ok) {
      return null; // busy, throttled or down: kept for later
    }
    return response.json();
  }

  async function flush() {
    if (flushing || !navigator.onLine) {
      return;
    }
    flushing = true;
    try {
      for (const scan of queued()) {
        let answer;
        try {
          answer = await send(scan);
        } catch (error) {
          answer = { result: "error", title: error.message, detail: "" };
        }
        if (answer === null) {
          break;
        }
        saveQueue(queued().filter((item) => item.nonce !== scan.nonce));
        if (answer.result !== "checked_in") {
          const name = answer.participant ? answer.participant.name : "";
          conflict(scan, answer.title, [name, answer.detail].filter(Boolean).join(", "));
        }
      }
    } finally {
      flushing = false;
    }
  }

  async function handle(code) {
    const scan = {
      code: code,
      checkpoint: Number(checkpoint.value),
      nonce: newNonce(),
      scanned_at: new Date().toISOString(),
    };
    if (navigator.onLine) {
      try {
        const answer = await send(scan);
        if (answer !== null) {
          show(answer.level, answer.title, answer.detail, answer.participant);
          return;
        }
      } catch (error) {
        show("stop", error.message);
        return;
      }
    }
    const verdict = await verifyHere(code);
    if (verdict === "queued" || verdict === "unverified") {
      saveQueue(queued().concat([scan]));
    }
    show(verdict === "queued" ? "queued" : verdict === "unverified" ? "warn" : "stop", text["offline" + verdict[0].toUpperCase() + verdict.slice(1)]);
  }

  /* --- the camera ----------------------------------------------------------------------- */

  async function startCamera() {
    const video = document.getElementById("camera");
    const canvas = document.getElementById("frame");
    const context = canvas.getContext("2d", { willReadFrequently: true });
    try {
      video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      await video.play();
    } catch (error) {
      const message = document.getElementById("camera-error");
      message.textContent = text.noCamera;
      message.hidden = false;
      video.parentElement.hidden = true;
      return;
    }
    let busy = false;
    setInterval(async () => {
      if (busy || video.readyState < 2) {
        return;
      }
      const scale = Math.min(1, 640 / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const found = jsQR(context.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height, {
        inversionAttempts: "dontInvert",
      });
      const now = Date.now();
      if (!found || !found.data || (found.data === last.code && now - last.at < REPEAT_MS)) {
        if (found && found.data === last.code) {
          last.at = now;
        }
        return;
      }
      last = { code: found.data, at: now };
      busy = true;
      try {
        await handle(found.data);
      } finally {
        busy = false;
      }
    }, 150);
  }

  /* --- search --------------------------------------------------------------------------- */

  document.getElementById("search").addEventListener("submit", async (submitted) => {
    submitted.preventDefault();
    const list = document.getElementById("search-results");
    const query = document.getElementById("search-query").value;
    let results = [];
    try {
      const response = await fetch(text.searchUrl + "?q=" + encodeURIComponent(query), { credentials: "same-origin" });
      results = response.ok ? (await response.json()).results : [];
    } catch (error) {
      results = [];
    }
    list.replaceChildren();
    for (const person of results) {
      const item = document.createElement("li");
      item.className = "list-group-item d-flex justify-content-between align-items-center gap-2";
      const label = document.createElement("span");
      label.textContent = [person.name, person.organisation, person.category, person.mode, person.status].join(" · ");
      item.append(label);
      if (person.code) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-success";
        button.textContent = text.checkInLabel;
        button.addEventListener("click", () => handle(person.code));
        item.append(button);
      } else {
        const none = document.createElement("span");
        none.className = "badge text-bg-secondary";
        none.textContent = text.noPass;
        item.append(none);
      }
      list.append(item);
    }
    if (results.length === 0) {
      const item = document.createElement("li");
      item.className = "list-group-item";
      item.textContent = text.noResults;
      list.append(item);
    }
  });

  /* --- the page itself, offline ----------------------------------------------------------- */

  async function keepThisPage() {
    if (!("serviceWorker" in navigator)) {
      return;
    }
    try {
      await navigator.serviceWorker.register(text.workerUrl);
      const registration = await navigator.serviceWorker.ready;
      const files = performance
        .getEntriesByType("resource")
        .map((entry) => entry.name)
        .filter((url) => new URL(url).pathname.startsWith("/static/"));
      registration.active.postMessage({ keep: [location.pathname].concat(files) });
    } catch (error) {
      // No service worker (a private window, an insecure page): the page needs the network to open.
    }
  }

  window.addEventListener("online", () => {
    showConnection();
    refreshKeys().then(flush);
  });
  window.addEventListener("offline", showConnection);
  setInterval(() => refreshKeys().then(flush), 30000);
  showConnection();
  saveQueue(queued());
  refreshKeys().then(flush);
  startCamera();
  keepThisPage();
})();
