/* The article editor: a live preview rendered by the server (the same sanitiser as the page),
   warnings for pictures and links that will not render, the cover thumbnail, and autosave of
   drafts through the articles API. No inline script: CSP. */
(function () {
  "use strict";
  // The site's root ("/", or "/<stage>/" on the execute-api host): templates/base.html's data-root.
  var ROOT = document.documentElement.getAttribute("data-root") || "/";

  var PREVIEW_DELAY_MS = 400; // after the last keystroke: a preview per pause, not per key
  var AUTOSAVE_DELAY_MS = 3000; // a draft saved a few seconds after the author stops typing

  var form = document.querySelector("[data-editor]");
  if (!form) return;
  var field = function (name) { return form.querySelector("[name=" + name + "]"); };
  var body = field("body");
  var title = field("title");
  var cover = field("cover_image_id");
  var tags = field("tags");
  var expiry = field("expires_in_days");
  var token = field("csrfmiddlewaretoken").value;
  var previewBody = document.querySelector("[data-preview-body]");
  var previewCover = document.querySelector("[data-preview-cover]");
  var warnings = document.querySelector("[data-preview-warnings]");
  var coverThumb = form.querySelector("[data-cover-thumb]");
  var status = form.querySelector("[data-autosave-status]");
  var articleId = form.getAttribute("data-article-id");
  var previewTimer = null;
  var autosaveTimer = null;
  var previewSeq = 0;
  var saving = null; // the autosave in flight, if any

  function replaceWithHtml(element, html) {
    // The server rendered and sanitised this HTML (blog.markdown + nh3): parse it, do not build it.
    var parsed = new DOMParser().parseFromString("<div>" + html + "</div>", "text/html");
    element.replaceChildren.apply(element, Array.prototype.slice.call(parsed.body.firstChild.childNodes));
  }

  function showWarnings(list) {
    warnings.replaceChildren();
    list.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      warnings.appendChild(item);
    });
  }

  function preview() {
    var seq = ++previewSeq;
    var data = new FormData();
    data.append("body", body.value);
    data.append("cover_image_id", cover ? cover.value : "");
    fetch(form.getAttribute("data-preview-url"), {
      method: "POST",
      body: data,
      headers: { "X-CSRFToken": token, "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) throw new Error("Preview failed (HTTP " + response.status + ").");
      return response.json();
    }).then(function (answer) {
      if (seq !== previewSeq) return; // an older answer arriving late
      replaceWithHtml(previewBody, answer.html || "");
      replaceWithHtml(previewCover, answer.cover_html || "");
      if (coverThumb && cover) {
        if (answer.cover_html) replaceWithHtml(coverThumb, answer.cover_html);
        else coverThumb.textContent = cover.value ? "not one of your ready images" : "none";
      }
      showWarnings(answer.warnings || []);
    }).catch(function (error) { showWarnings([error.message]); });
  }

  function schedulePreview() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(preview, PREVIEW_DELAY_MS);
  }

  function draftPayload() {
    var payload = { title: title.value, body: body.value, cover_image_id: cover.value || null };
    payload.tags = tags.value.split(",").map(function (t) { return t.trim(); }).filter(Boolean);
    if (expiry.value) payload.expires_in_days = parseInt(expiry.value, 10);
    return payload;
  }

  function autosave() {
    if (!title.value.trim() || !body.value.trim()) return;
    var payload = draftPayload();
    var method = articleId ? "PATCH" : "POST";
    if (!articleId) payload.status = "draft";
    status.textContent = "Saving draft…";
    saving = fetch(ROOT + (articleId ? "api/articles/" + articleId : "api/articles"), {
      method: method,
      body: JSON.stringify(payload),
      headers: { "X-CSRFToken": token, "Content-Type": "application/json", "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        if (!response.ok) {
          var message = data && data.error ? data.error.message : "HTTP " + response.status;
          var fields = data && data.error && data.error.fields ? Object.values(data.error.fields).join(" ") : "";
          throw new Error(message + (fields ? " " + fields : ""));
        }
        return data;
      });
    }).then(function (article) {
      if (!articleId) {
        // From now on the page edits this draft: the buttons save it, not a second article.
        articleId = article.id;
        form.setAttribute("data-article-id", article.id);
        form.action = article.url + "edit/";
      }
      status.textContent = "Draft saved at " + new Date().toLocaleTimeString() + ".";
    }).catch(function (error) { status.textContent = "Not saved: " + error.message; })
      .then(function () { saving = null; });
  }

  function scheduleAutosave() {
    if (!form.hasAttribute("data-autosave")) return;
    clearTimeout(autosaveTimer);
    autosaveTimer = setTimeout(autosave, AUTOSAVE_DELAY_MS);
  }

  [title, body, tags, expiry, cover].forEach(function (input) {
    if (!input) return;
    input.addEventListener("input", function () {
      if (input === body || input === cover) schedulePreview();
      scheduleAutosave();
    });
  });
  var clear = form.querySelector("[data-cover-clear]");
  if (clear && cover) {
    clear.addEventListener("click", function () {
      cover.value = "";
      cover.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }
  // A button pressed while an autosave is in flight waits for it: the first autosave of a new
  // article creates the draft, and the form must then save that draft, not a second article.
  form.addEventListener("submit", function (event) {
    clearTimeout(autosaveTimer);
    if (!saving) return;
    event.preventDefault();
    var submitter = event.submitter;
    saving.then(function () { form.requestSubmit(submitter); });
  });
  // With the script, the preview button is not needed: the preview follows the typing.
  var button = form.querySelector("[data-preview-button]");
  if (button) button.hidden = true;
  if (body.value.trim()) preview();
})();
