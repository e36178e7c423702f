// The registration and manage forms: once the participant picks a country, its zones come first
// among the suggestions of the time zone box (the server does the same when it has the country).
(function () {
  "use strict";
  var country = document.getElementById("id_country");
  var box = document.getElementById("id_time_zone");
  var list = box && document.getElementById(box.getAttribute("list"));
  if (!country || !list) return;
  country.addEventListener("change", function () {
    var theirs = list.querySelectorAll("option[data-country='" + CSS.escape(country.value) + "']");
    for (var i = theirs.length - 1; i >= 0; i--) list.insertBefore(theirs[i], list.firstChild);
  });
})();
