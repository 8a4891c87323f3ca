// The HTML report's stylesheet and script. Both are inlined in every report
// and allowed by their SHA-256 in the page's Content-Security-Policy, so any
// change here changes the hashes with it (html_writer.cc computes them).
// The script only enhances: without it every section and every finding is
// shown, and commands stay selectable text.
#include "reports/html.h"

namespace kora::html {

const std::string_view kStyleSheet = R"css(
:root{--fg:#1f2328;--muted:#57606a;--bg:#fff;--panel:#f6f8fa;--line:#d0d7de;--error:#cf222e;--warning:#9a6700;
--note:#0969da;--ok:#1a7f37;--hl:#fff8c5;--mark:#ffd8b5;--link:#0969da}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;color:var(--fg);background:var(--bg);
font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",Arial,sans-serif}
a{color:var(--link)}
header.top{background:var(--panel);border-bottom:1px solid var(--line);padding:16px 24px}
header.top h1{margin:0 0 4px;font-size:22px}
header.top .tagline{margin:0 0 12px;color:var(--muted)}
.facts{display:grid;grid-template-columns:1fr;gap:12px 28px}
@media (min-width:900px){.facts{grid-template-columns:minmax(250px,0.9fr) 2.2fr 1fr 1.4fr}}
.facts section{min-width:0}
.facts h2{font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin:0 0 4px;border:0;
padding:0}
.facts ul{margin:0;padding-left:18px}
.scroll{max-height:12em;overflow:auto}
.counts{display:flex;gap:8px;flex-wrap:wrap;margin:0;padding:0;list-style:none}
nav.toc{padding:8px 24px;border-bottom:1px solid var(--line)}
nav.toc a{margin-right:16px}
main{padding:0 24px 32px;max-width:1280px}
h2{font-size:19px;margin:32px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:16px;margin:20px 0 6px}
h4{font-size:14px;margin:14px 0 4px}
code,pre,kbd,.mono{font-family:ui-monospace,"SFMono-Regular","DejaVu Sans Mono",Menlo,Consolas,monospace;
font-size:12.5px}
pre{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:8px 10px;margin:4px 0;
overflow-x:auto;line-height:1.45}
p code,li code,td code{background:var(--panel);border-radius:4px;padding:0 3px}
.sev{display:inline-block;min-width:4.8em;text-align:center;padding:0 6px;border-radius:10px;font-size:12px;
font-weight:600;color:#fff}
.sev-error{background:var(--error)}.sev-warning{background:var(--warning)}.sev-note{background:var(--note)}
.count-error{color:var(--error)}.count-warning{color:var(--warning)}.count-note{color:var(--note)}
.muted{color:var(--muted)}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--panel);font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.wrap{overflow-wrap:anywhere}
td.about,td.object{min-width:12em}
td.where{min-width:16em}
td.time{white-space:nowrap}
article{border:1px solid var(--line);border-radius:8px;padding:4px 16px 12px;margin:14px 0}
article.diagnosis{border-left:4px solid var(--error)}
article.diagnosis.sev-warning-border{border-left-color:var(--warning)}
article h3{margin-top:12px}
.message{font-weight:600}
ol.chain>li{margin:6px 0}
ul.evidence{margin:2px 0;padding-left:20px}
ul.evidence li.event{list-style:square}
.event-warning{color:var(--error);font-weight:600}
.hyp-confirmed{color:var(--ok);font-weight:600}
.hyp-ruled-out{color:var(--muted)}
.cmdbox{position:relative}
.cmdbox pre.cmd{padding-right:72px;white-space:pre-wrap;overflow-wrap:anywhere}
.cmdbox button.copy{position:absolute;top:6px;right:6px}
button.copy{font:12px system-ui,sans-serif;padding:2px 8px;border:1px solid var(--line);border-radius:6px;
background:var(--bg);cursor:pointer}
code.cmd+button.copy{margin-left:4px}
figure{margin:8px 0;overflow-x:auto}
figcaption{color:var(--muted);font-size:12px}
svg{max-width:100%;height:auto}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;font-size:12px}
svg a:hover rect,svg a:focus rect{stroke-width:2.5}
pre.excerpt{padding:6px 0}
pre.excerpt .l{display:inline-block;min-width:100%;padding-right:10px}
pre.excerpt .n{display:inline-block;width:5.5ch;padding-right:1ch;margin-right:1ch;text-align:right;
color:var(--muted);border-right:1px solid var(--line);user-select:none}
pre.excerpt .hl{background:var(--hl)}
pre.excerpt mark{background:var(--mark);color:inherit}
pre.excerpt .gap{color:var(--muted);font-style:italic}
pre.excerpt .l:target{outline:2px solid var(--link)}
.redacted{color:var(--muted);font-style:italic}
:target{scroll-margin-top:12px}
article:target,tr:target{outline:2px solid var(--link)}
.filters{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;padding:8px 10px;margin:6px 0;
background:var(--panel);border:1px solid var(--line);border-radius:6px}
.filters[hidden]{display:none}
.filters select,.filters input{font:inherit;font-size:13px}
.filters output{color:var(--muted)}
.rule-help p{margin:4px 0}
footer{padding:16px 24px;border-top:1px solid var(--line);color:var(--muted);font-size:12px}
@media screen{tr.filtered-out{display:none}}
@media print{
body{font-size:11px}
header.top{background:none}
nav.toc,.filters,button.copy{display:none}
main{max-width:none;padding:0}
pre,.cmdbox pre.cmd{white-space:pre-wrap;overflow-wrap:anywhere;overflow:visible}
pre.excerpt .l{display:inline}
.scroll{max-height:none;overflow:visible}
figure{overflow:visible}
article{break-inside:auto}
h2,h3,h4{break-after:avoid}
tr,figure,svg{break-inside:avoid}
a{color:inherit}
}
)css";

const std::string_view kScript = R"js(
(function () {
  "use strict";
  var d = document;

  // A copy button after every command; the command itself stays plain,
  // selectable text.
  function flash(button, text) {
    button.textContent = text;
    setTimeout(function () { button.textContent = "Copy"; }, 1500);
  }
  function selectAndCopy(el, button) {
    var range = d.createRange();
    range.selectNodeContents(el);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    var ok = false;
    try { ok = d.execCommand("copy"); } catch (e) { ok = false; }
    flash(button, ok ? "Copied" : "Selected: press Ctrl+C");
  }
  Array.prototype.forEach.call(d.querySelectorAll(".cmd"), function (el) {
    var button = d.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy the command");
    button.addEventListener("click", function () {
      var text = el.textContent;
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { flash(button, "Copied"); },
                                                 function () { selectAndCopy(el, button); });
      } else {
        selectAndCopy(el, button);
      }
    });
    el.parentNode.insertBefore(button, el.nextSibling);
  });

  // Filters over the findings table. Without the script the form stays
  // hidden and every finding is listed.
  var form = d.getElementById("filters");
  var facetsData = d.getElementById("kora-facets");
  var table = d.getElementById("findings-table");
  if (!form || !facetsData || !table || !table.tBodies.length) return;
  var facets = JSON.parse(facetsData.textContent);
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
  var selects = [];
  var place = d.getElementById("filter-selects");
  facets.forEach(function (facet) {
    var label = d.createElement("label");
    label.textContent = facet.label + " ";
    var select = d.createElement("select");
    select.setAttribute("data-attribute", facet.attribute);
    var all = d.createElement("option");
    all.textContent = "all";
    select.appendChild(all);
    facet.values.forEach(function (v) {
      var option = d.createElement("option");
      option.textContent = (v[0] === "" ? "(none)" : v[0]) + " (" + v[1] + ")";
      select.appendChild(option);
    });
    select.koraValues = facet.values.map(function (v) { return v[0]; });
    label.appendChild(select);
    place.appendChild(label);
    selects.push(select);
  });
  var search = d.getElementById("filter-search");
  var count = d.getElementById("filter-count");
  function apply() {
    var query = search.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row, i) {
      var ok = selects.every(function (s) {
        return s.selectedIndex <= 0 ||
          row.getAttribute(s.getAttribute("data-attribute")) === s.koraValues[s.selectedIndex - 1];
      }) && (query === "" || texts[i].indexOf(query) !== -1);
      row.classList.toggle("filtered-out", !ok);
      if (ok) shown++;
    });
    count.textContent = shown + " of " + rows.length + " findings shown";
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.hidden = false;
  apply();
})();
)js";

}  // namespace kora::html
