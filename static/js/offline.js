// Registers the offline programme (/sw.js) and, on a copy served without a connection, says
// when it was last updated. The note's text comes translated in this script tag's
// data-offline-label, "%(time)s" standing for the time.
(() => {
  const script = document.currentScript;
  // On a participant's private page: the public pages of the sessions on their agenda, and the
  // public list of those sessions, which the link there opens (and the worker keeps).
  const urls = [...document.querySelectorAll("[data-offline-url]")].map((element) => element.dataset.offlineUrl);
  const agendaLink = document.querySelector("a[data-offline-agenda]");
  if (agendaLink && urls.length) {
    const ids = urls.map((url) => url.match(/\/sessions\/(\d+)\/$/)[1]);
    agendaLink.href = `${agendaLink.dataset.offlineAgenda}?sessions=${ids.join(",")}`;
    agendaLink.closest("[hidden]")?.removeAttribute("hidden");
    urls.push(agendaLink.getAttribute("href"));
  }
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").then(() => navigator.serviceWorker.ready).then((registration) => {
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
