// The registration and manage forms' time zone box. Left empty, it takes the zone of the
// visitor's own clock (the likeliest), which they see and may change; once the participant picks
// a country, its zones come first among the suggestions (the server does the same when it has
// the country).
(function () {
  "use strict";
  var country = document.getElementById("id_country");
  var box = document.getElementById("id_time_zone");
  var list = box && document.getElementById(box.getAttribute("list"));
  if (!country || !list) return;
  var own = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var mine = own && list.querySelector("option[data-zone='" + CSS.escape(own) + "']");
  if (mine && !box.value) {
    list.insertBefore(mine, list.firstChild);
    box.value = mine.value;
  }
  country.addEventListener("change", function () {
    var theirs = list.querySelectorAll("option[data-country='" + CSS.escape(country.value) + "']");
    for (var i = theirs.length - 1; i >= 0; i--) list.insertBefore(theirs[i], list.firstChild);
  });
})();
