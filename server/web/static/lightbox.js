/* Photos opened large: a click on a photo card (the dossier's gallery) or on the photo page's
   preview opens the preview over the page, with zoom (+ / − / the wheel / a click on the
   picture, then drag to move) and previous / next (the buttons, ← →); Esc or × closes it.
   No dependency and nothing from the network: served by the app like the stylesheet. Without
   JavaScript every card is still a link to its photo page. */
(function () {
  "use strict";
  var cards = Array.prototype.slice.call(document.querySelectorAll("[data-lightbox] a[data-photo], img[data-lightbox-photo]"));
  if (!cards.length) { return; }
  var labels = document.documentElement.lang.indexOf("zh") === 0
    ? { prev: "上一张", next: "下一张", close: "关闭", zoomIn: "放大", zoomOut: "缩小", page: "照片详情" }
    : { prev: "Previous", next: "Next", close: "Close", zoomIn: "Zoom in", zoomOut: "Zoom out", page: "Photo details" };

  function preview(card) {
    if (card.tagName === "IMG") { return card.getAttribute("src"); }
    var thumb = card.querySelector("img");
    return thumb ? thumb.getAttribute("src").replace(/thumbnail\.jpg$/, "preview.jpg") : null;
  }
  function element(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text) { node.textContent = text; }
    return node;
  }
  function button(cls, text, title) {
    var b = element("button", cls, text);
    b.type = "button";
    b.title = title;
    b.setAttribute("aria-label", title);
    return b;
  }

  var shown = cards.filter(preview);
  var box = element("div", "lightbox");
  box.setAttribute("role", "dialog");
  box.setAttribute("aria-modal", "true");
  box.hidden = true;
  var stage = element("div", "lb-stage");
  var picture = element("img", "lb-picture");
  picture.alt = "";
  stage.appendChild(picture);
  var bar = element("div", "lb-bar");
  var caption = element("a", "lb-caption");
  var prev = button("lb-prev", "‹", labels.prev);
  var next = button("lb-next", "›", labels.next);
  var zoomOut = button("lb-zoom-out", "−", labels.zoomOut);
  var zoomIn = button("lb-zoom-in", "+", labels.zoomIn);
  var close = button("lb-close", "×", labels.close);
  [prev, caption, zoomOut, zoomIn, next, close].forEach(function (n) { bar.appendChild(n); });
  box.appendChild(stage);
  box.appendChild(bar);
  document.body.appendChild(box);

  var index = 0, scale = 1, dx = 0, dy = 0, drag = null;
  function place() {
    picture.style.transform = "translate(" + dx + "px," + dy + "px) scale(" + scale + ")";
    box.setAttribute("data-zoom", String(scale));
  }
  function zoom(factor) {
    scale = Math.min(8, Math.max(1, scale * factor));
    if (scale === 1) { dx = 0; dy = 0; }
    place();
  }
  function show(i) {
    index = (i + shown.length) % shown.length;
    var card = shown[index];
    scale = 1; dx = 0; dy = 0; place();
    picture.src = preview(card);
    var id = card.getAttribute("data-photo") || card.getAttribute("data-lightbox-photo");
    caption.textContent = "#" + id + " · " + labels.page + " (" + (index + 1) + " / " + shown.length + ")";
    caption.href = card.tagName === "A" ? card.getAttribute("href") : location.href;
    box.setAttribute("data-photo", id);
    prev.disabled = next.disabled = shown.length < 2;
  }
  function open(i) { show(i); box.hidden = false; close.focus(); }
  function shut() { box.hidden = true; picture.removeAttribute("src"); }

  shown.forEach(function (card, i) {
    card.addEventListener("click", function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
      event.preventDefault();
      open(i);
    });
    if (card.tagName === "IMG") { card.style.cursor = "zoom-in"; }
  });
  prev.addEventListener("click", function () { show(index - 1); });
  next.addEventListener("click", function () { show(index + 1); });
  zoomIn.addEventListener("click", function () { zoom(1.5); });
  zoomOut.addEventListener("click", function () { zoom(1 / 1.5); });
  close.addEventListener("click", shut);
  box.addEventListener("click", function (event) { if (event.target === box || event.target === stage) { shut(); } });
  picture.addEventListener("click", function () { if (!drag || !drag.moved) { zoom(scale > 1 ? 1 / scale : 2); } });
  stage.addEventListener("wheel", function (event) { event.preventDefault(); zoom(event.deltaY < 0 ? 1.25 : 0.8); }, { passive: false });
  picture.addEventListener("mousedown", function (event) {
    event.preventDefault();
    drag = { x: event.clientX - dx, y: event.clientY - dy, moved: false };
  });
  document.addEventListener("mousemove", function (event) {
    if (!drag || scale === 1) { return; }
    dx = event.clientX - drag.x; dy = event.clientY - drag.y; drag.moved = true; place();
  });
  document.addEventListener("mouseup", function () { setTimeout(function () { drag = null; }, 0); });
  document.addEventListener("keydown", function (event) {
    if (box.hidden) { return; }
    if (event.key === "Escape") { shut(); }
    else if (event.key === "ArrowLeft") { show(index - 1); }
    else if (event.key === "ArrowRight") { show(index + 1); }
    else if (event.key === "+" || event.key === "=") { zoom(1.5); }
    else if (event.key === "-") { zoom(1 / 1.5); }
  });
}());
