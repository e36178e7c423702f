// Registers the offline programme (/sw.js) and, on a copy served without a connection, says
// when it was last updated. The note's text comes translated in this script tag's
// data-offline-label, "%(time)s" standing for the time.
(() => {
  const script = document.currentScript;
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").then(() => navigator.serviceWorker.ready).then((registration) => {
      // On a participant's private page: keep the public pages of their agenda's sessions.
      const urls = [...document.querySelectorAll("[data-offline-url]")].map((element) => element.dataset.offlineUrl);
      if (urls.length && registration.active) {
        registration.active.postMessage({ type: "keep", urls });
      }
    }).catch(() => {});
  }
  const since = document.documentElement.dataset.offlineSince;
  if (!since) {
    return;
  }
  const main = document.getElementById("main");
  const when = new Date(since);
  const time = Number.isNaN(when.getTime())
    ? since
    : when.toLocaleString(document.documentElement.lang, { dateStyle: "medium", timeStyle: "short" });
  const note = document.createElement("div");
  note.id = "offline-note";
  note.className = "alert alert-warning";
  note.setAttribute("role", "status");
  note.textContent = script.dataset.offlineLabel.replace("%(time)s", time);
  if (main) {
    main.prepend(note);
  }
})();
