// Small progressive enhancements; every form still posts without JavaScript.
(function () {
  "use strict";

  function dropzone(form) {
    const inputs = form.querySelectorAll('input[type=file]');
    const submit = () => htmx.trigger(form, "submit");
    inputs.forEach((input) => input.addEventListener("change", () => {
      if (!input.files.length) return;
      inputs.forEach((other) => { if (other !== input) other.value = ""; });
      submit();
    }));
    ["dragenter", "dragover"].forEach((name) => form.addEventListener(name, (e) => { e.preventDefault(); form.classList.add("dragover"); }));
    ["dragleave", "drop"].forEach((name) => form.addEventListener(name, (e) => { e.preventDefault(); form.classList.remove("dragover"); }));
    form.addEventListener("drop", (e) => {
      if (!e.dataTransfer.files.length) return;
      inputs[0].files = e.dataTransfer.files;
      inputs.forEach((other, i) => { if (i) other.value = ""; });
      submit();
    });
  }

  function sizeMode(form) {
    return (form.querySelector("input[name=size_mode]:checked") || {}).value || "spec";
  }

  function sizeModes(form) {
    const apply = () => {
      const mode = sizeMode(form);
      form.querySelectorAll("[data-mode]").forEach((box) => {
        const on = box.dataset.mode === mode;
        box.hidden = !on;
        box.querySelectorAll("input, select").forEach((el) => { if (el.name !== "q") el.disabled = !on; });
      });
    };
    // A document's forbidden edits apply only while that document is the size: mm or px lifts them at once.
    form.addEventListener("change", (e) => { if (e.target.name === "size_mode") { apply(); forbidden(form); } });
    apply();
  }

  function forbidden(form) {
    const card = form.querySelector("#spec-card");
    const bySpec = sizeMode(form) === "spec";
    const list = card && bySpec ? (card.dataset.forbidden || "").split(" ").filter(Boolean) : [];
    form.querySelectorAll("[data-edit]").forEach((box) => {
      const off = list.includes(box.dataset.edit);
      box.querySelectorAll("input, select").forEach((el) => { el.disabled = off; });
      box.classList.toggle("is-off", off);
      box.hidden = off;
    });
    if (card && bySpec && card.dataset.bg) {
      const swatch = form.querySelector('input[name=bg_color][value="' + card.dataset.bg + '"]');
      if (swatch) swatch.checked = true;
      else {
        const custom = form.querySelector("input[name=bg_color][value=custom]");
        const picker = form.querySelector("input[name=bg_custom]");
        if (custom && picker) { custom.checked = true; picker.value = "#" + card.dataset.bg.toLowerCase(); paintCustom(form); }
      }
    }
  }

  function paintCustom(form) {
    const picker = form.querySelector("input[name=bg_custom]");
    const box = picker && picker.closest(".custom");
    if (!box) return;
    box.classList.add("picked");
    box.style.setProperty("--picked", picker.value);
  }

  function sliders(form) {
    form.querySelectorAll("input[type=range][data-show]").forEach((range) => {
      const out = document.querySelector(range.dataset.show);
      const show = () => { out.textContent = Number(range.value) > 0 ? Math.round(range.value * 100) + "%" : (out.dataset.off || "off"); };
      range.addEventListener("input", show); show();
    });
  }

  function toggles(root) {
    root.querySelectorAll("[data-toggle]").forEach((box) => {
      const target = document.querySelector(box.dataset.toggle);
      const apply = () => { target.hidden = !box.checked; };
      box.addEventListener("change", apply); apply();
    });
    root.querySelectorAll("input[name=bg_custom]").forEach((picker) => picker.addEventListener("input", () => {
      const radio = root.querySelector("input[name=bg_color][value=custom]");
      if (radio) radio.checked = true;
      paintCustom(root);
    }));
  }

  async function outfitThumbs(box) {
    try {
      const res = await fetch("/api/clothes", { headers: { Accept: "application/json" } });
      if (!res.ok) return;
      const body = await res.json();
      const items = Array.isArray(body) ? body : (body.data && (body.data.clothes || body.data.items || body.data)) || body.clothes || body.items || [];
      (Array.isArray(items) ? items : []).forEach((item) => {
        const label = box.querySelector('[data-outfit="' + item.id + '"]');
        const url = item.thumbnail_url || item.thumbnail || item.thumb || item.url;
        if (!label || !url) return;
        const img = document.createElement("img");
        img.src = url; img.alt = ""; img.loading = "lazy";
        img.addEventListener("error", () => img.remove());  // the name stays as the label
        label.querySelector("span").before(img);  // the name stays the page's own, in the reader's language
      });
    } catch (e) { /* the ids stay selectable as text */ }
  }

  function refreshCost(form) { htmx.trigger(form, "change"); }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-dropzone]").forEach(dropzone);
    const form = document.getElementById("options");
    if (form) {
      sizeModes(form); sliders(form); toggles(form); forbidden(form);
      document.querySelectorAll("[data-outfits]").forEach(outfitThumbs);
      form.addEventListener("click", (e) => {
        if (e.target.matches("[data-clear-spec]")) {
          const card = form.querySelector("#spec-card");
          const empty = document.createElement("p");  // the page's own words, in the page's language
          empty.className = "muted small"; empty.textContent = e.target.dataset.empty || "";
          card.replaceChildren(empty);
          card.className = "spec-card empty"; card.dataset.forbidden = ""; card.dataset.bg = "";
          forbidden(form); refreshCost(form);
        }
        if (e.target.matches("[data-close-confirm]")) document.getElementById("confirm-slot").innerHTML = "";
      });
    }
  });

  // Back/forward from the browser's page cache would show an old balance and cost: load the page afresh.
  window.addEventListener("pageshow", (e) => { if (e.persisted) window.location.reload(); });

  document.addEventListener("htmx:afterSwap", (e) => {
    if (e.detail.target && ["confirm-slot", "result"].includes(e.detail.target.id) && e.detail.target.firstElementChild) {
      e.detail.target.scrollIntoView({ behavior: "smooth", block: "nearest" });
    }
    const form = document.getElementById("options");
    if (form && e.detail.target && e.detail.target.id === "spec-card") { forbidden(form); refreshCost(form); }
  });
  // htmx swaps #spec-card with outerHTML, so the event target is the old node; listen on settle too.
  document.addEventListener("htmx:afterSettle", (e) => {
    const form = document.getElementById("options");
    if (form && e.detail.elt && e.detail.elt.id === "spec-card") { forbidden(form); refreshCost(form); }
  });
})();
