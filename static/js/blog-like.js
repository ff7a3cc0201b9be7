// Like / unlike without a page reload. Without JavaScript the form posts and the page reloads.
(function () {
  "use strict";
  var form = document.querySelector("form.like-form");
  if (!form || !window.fetch) { return; }
  var button = form.querySelector(".like-button");
  var count = form.querySelector(".like-count");
  var label = form.querySelector(".like-label");
  var action = form.querySelector("input[name=action]");
  var errorBox = form.querySelector(".like-error");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var pageToken = form.querySelector("input[name=page_token]").value; // a like needs this page

  function show(liked, likeCount) {
    form.dataset.liked = liked ? "true" : "false";
    action.value = liked ? "unlike" : "like";
    button.textContent = liked ? "Unlike" : "Like";
    button.setAttribute("aria-pressed", liked ? "true" : "false");
    count.textContent = String(likeCount);
    label.textContent = likeCount === 1 ? "like" : "likes";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var liked = form.dataset.liked === "true";
    button.disabled = true;
    errorBox.hidden = true;
    fetch(form.dataset.api, {
      method: liked ? "DELETE" : "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, "X-Page-Token": pageToken, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (result.ok) {
        show(result.body.liked, result.body.like_count);
      } else {
        errorBox.textContent = (result.body.error && result.body.error.message) || "That did not work.";
        errorBox.hidden = false;
      }
    }).catch(function () {
      errorBox.textContent = "Could not reach the server. Try again.";
      errorBox.hidden = false;
    }).finally(function () {
      button.disabled = false;
    });
  });
})();
