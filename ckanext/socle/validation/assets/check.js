/* "Vérifier avant de publier": sends the chosen file (or URL) and the schema fields of the
   resource form to /socle/verifier and shows the report inline. The form itself is never
   submitted nor changed, so nothing the publisher typed is lost. */
(function () {
  "use strict";
  function field(form, name) { return form.querySelector('[name="' + name + '"]'); }
  function init() {
    var panel = document.getElementById("socle-check-panel");
    if (!panel) { return; }
    var form = document.getElementById("resource-edit");
    var actions = form && form.querySelector(".form-actions");
    if (!form || !actions) { return; }
    actions.parentNode.insertBefore(panel, actions);
    panel.hidden = false;
    var button = panel.querySelector("button");
    var output = panel.querySelector(".socle-check-output");
    button.addEventListener("click", function () {
      var data = new FormData();
      var csrfName = document.querySelector('meta[name="csrf_field_name"]');
      if (csrfName) {
        var token = document.querySelector('meta[name="' + csrfName.content + '"]');
        if (token) { data.append(csrfName.content, token.content); }
      }
      var schema = field(form, "schema_name"), version = field(form, "schema_version");
      var chosen = panel.querySelector("select");
      data.append("schema_name", schema && schema.value ? schema.value : (chosen ? chosen.value : ""));
      data.append("schema_version", version && version.value ? version.value : "");
      var upload = field(form, "upload"), url = field(form, "url");
      if (upload && upload.files && upload.files.length) { data.append("upload", upload.files[0]); }
      else if (url && url.value) { data.append("url", url.value); }
      output.textContent = panel.dataset.waiting;
      button.disabled = true;
      fetch(panel.dataset.action + "?fragment=1", {method: "POST", body: data, credentials: "same-origin",
                                                   headers: {"X-Requested-With": "XMLHttpRequest"}})
        .then(function (response) { return response.text(); })
        .then(function (html) { output.innerHTML = html; })
        .catch(function () { output.textContent = panel.dataset.failed; })
        .then(function () { button.disabled = false; });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
