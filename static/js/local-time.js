// Times on a page are in the event's zone (<time datetime="…"> inside [data-local-time]). Where
// the visitor's clock reads otherwise, add their own time next to them. Done here rather than
// on the server: public pages are cached, the same for every visitor.
(function () {
  "use strict";
  var label = document.currentScript.getAttribute("data-your-time");
  var lang = document.documentElement.lang || undefined;
  var clock = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  var weekday = new Intl.DateTimeFormat(lang, { weekday: "short" });

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }
  // "2023-11-27T09:00", as the datetime attribute writes a moment in its own zone.
  function localStamp(date) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
      "T" + pad(date.getHours()) + ":" + pad(date.getMinutes());
  }
  // "UTC+1", "UTC−3", "UTC+5:30", as the server names offsets.
  function offset(date) {
    var minutes = -date.getTimezoneOffset();
    if (minutes === 0) return "UTC";
    var sign = minutes > 0 ? "+" : "\u2212";
    minutes = Math.abs(minutes);
    return "UTC" + sign + Math.floor(minutes / 60) + (minutes % 60 ? ":" + pad(minutes % 60) : "");
  }

  document.querySelectorAll("[data-local-time]").forEach(function (box) {
    var times = box.querySelectorAll("time[datetime]");
    if (!times.length) return;
    var start = new Date(times[0].getAttribute("datetime"));
    if (isNaN(start)) return;
    var mine = localStamp(start);
    // Nothing to add when the page already shows this moment as the visitor's clock reads it.
    var shown = Array.prototype.some.call(times, function (time) {
      var stamp = time.getAttribute("datetime");
      return new Date(stamp).getTime() === start.getTime() && stamp.slice(0, 16) === mine;
    });
    if (shown) return;
    var text = clock.format(start);
    // A range: its end is the next moment shown (the others show the start in other zones).
    var end = times.length > 1 ? new Date(times[1].getAttribute("datetime")) : start;
    if (!isNaN(end) && end.getTime() !== start.getTime()) text += "\u2013" + clock.format(end);
    if (mine.slice(0, 10) !== times[0].getAttribute("datetime").slice(0, 10)) {
      text = weekday.format(start) + " " + text;
    }
    var span = document.createElement("span");
    span.className = "visitor-time";
    span.textContent = label + ": " + text + " (" + offset(start) + ")";
    box.appendChild(span);
  });
})();
