// Entity preview cards on the article page: hovering or focusing a highlight fetches a small
// card with htmx; Escape, leaving the highlight or moving focus away closes it.
(function () {
  "use strict";
  const card = document.getElementById("entity-preview");
  if (!card || !window.htmx) return;
  let current = null;
  let openTimer = 0;
  let closeTimer = 0;

  function place(link) {
    const rect = link.getBoundingClientRect();
    const width = Math.min(320, document.documentElement.clientWidth - 16);
    card.style.width = width + "px";
    // Align the card's start edge (the right in Arabic) with the highlight's, inside the viewport.
    const rtl = getComputedStyle(link).direction === "rtl";
    let left = rtl ? rect.right - width : rect.left;
    left = Math.max(8, Math.min(left, document.documentElement.clientWidth - width - 8));
    card.style.left = left + window.scrollX + "px";
    card.style.top = rect.bottom + window.scrollY + 6 + "px";
  }

  function open(link) {
    clearTimeout(closeTimer);
    if (current === link && !card.hidden) return;
    current = link;
    htmx.ajax("GET", link.dataset.preview, { target: card, swap: "innerHTML" }).then(function () {
      if (current !== link) return;
      card.hidden = false;
      place(link);
    });
  }

  function close() {
    clearTimeout(openTimer);
    card.hidden = true;
    current = null;
  }

  function later(fn, ms) {
    return setTimeout(fn, ms);
  }

  document.addEventListener("mouseover", function (event) {
    const link = event.target.closest("a[data-preview]");
    if (link) {
      clearTimeout(openTimer);
      openTimer = later(function () { open(link); }, 250);
    } else if (card.contains(event.target)) {
      clearTimeout(closeTimer);
    }
  });
  document.addEventListener("mouseout", function (event) {
    const link = event.target.closest("a[data-preview]");
    if (link || card.contains(event.target)) {
      clearTimeout(openTimer);
      closeTimer = later(close, 300);
    }
  });
  document.addEventListener("focusin", function (event) {
    const link = event.target.closest("a[data-preview]");
    if (link) open(link);
    else if (!card.contains(event.target)) close();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !card.hidden) close();
  });
  window.addEventListener("resize", function () { if (current && !card.hidden) place(current); });
})();

// Timeline axis: each date centred under its tick mark, kept inside the chart's width. The
// positions are the server's (data-x, percent from the left edge); CSS spreads the dates
// evenly when this does not run.
(function () {
  "use strict";
  const axes = document.querySelectorAll(".timeline-axis");
  if (!axes.length) return;
  function place() {
    axes.forEach(function (axis) {
      axis.classList.add("placed");
      const width = axis.clientWidth;
      axis.querySelectorAll("li").forEach(function (item) {
        const label = item.offsetWidth;
        const centre = (parseFloat(item.dataset.x) / 100) * width;
        const left = Math.max(0, Math.min(width - label, centre - label / 2));
        item.style.left = left + "px";
      });
    });
  }
  place();
  window.addEventListener("resize", place);
})();
