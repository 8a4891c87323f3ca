// Inline SVG diagrams for the HTML report, laid out here with fixed
// geometry so the output is the same bytes on every run. Colours are
// presentation attributes (allowed by the page's Content-Security-Policy,
// unlike style attributes) that the stylesheet may refine.
#include <fmt/format.h>

#include <algorithm>

#include "reports/html.h"

namespace kora::html {
namespace {

constexpr std::string_view kFont = " font-family=\"sans-serif\" font-size=\"12\"";

std::string SvgOpen(int width, int height, std::string_view cls, std::string_view label) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{}\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" "
      "role=\"img\" aria-label=\"{}\">\n",
      cls, width, height, width, height, Escape(label));
}

std::string ArrowMarker(std::string_view id, std::string_view colour) {
  return fmt::format(
      "<marker id=\"{}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" "
      "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{}\"/></marker>",
      Escape(id), colour);
}

std::string Text(int x, int y, std::string_view text, std::string_view cls = "", std::string_view extra = "") {
  std::string out = fmt::format("<text x=\"{}\" y=\"{}\"", x, y);
  if (!cls.empty()) out += fmt::format(" class=\"{}\"", cls);
  out += kFont;
  out += extra;
  out += '>';
  out += Escape(text);
  out += "</text>";
  return out;
}

std::string OneLine(std::string_view text, size_t width) {
  std::vector<std::string> lines = WrapText(text, width, 1);
  return lines.empty() ? std::string() : lines.front();
}

// "2025-12-21 11:02" from "2025-12-21T11:02:09Z".
std::string ShortTime(Timestamp t) {
  std::string s = FormatTimestamp(t);
  if (s.size() >= 16) s = s.substr(0, 10) + " " + s.substr(11, 5);
  return s;
}

}  // namespace

std::string ChainSvg(std::string_view symptom, const std::vector<ChainNode>& steps, std::string_view id_prefix) {
  constexpr int kWidth = 900, kBoxX = 10, kBoxWidth = 880, kGap = 28, kLine = 16, kWrap = 124;
  struct Box {
    std::string title;
    std::vector<std::string> lines;
    std::string tooltip;
    std::string cls;
    std::string href;
    int y = 0, h = 0;
  };
  std::vector<Box> boxes;
  if (!symptom.empty()) {
    boxes.push_back(Box{"Symptom", WrapText(symptom, kWrap, 3), std::string(symptom), "symptom", "", 0, 0});
  }
  for (size_t i = 0; i < steps.size(); ++i) {
    const ChainNode& s = steps[i];
    bool cause = i + 1 == steps.size();
    std::string title = std::to_string(i + 1) + ". " + s.title + (cause ? " \xE2\x80\x94 root cause" : "");
    std::string cls = cause ? "step cause" : "step";
    if (s.missing) cls += " missing";
    boxes.push_back(Box{OneLine(title, kWrap), WrapText(s.text, kWrap, 3), title + ": " + s.text, cls, s.href, 0, 0});
  }
  int y = 10;
  for (Box& b : boxes) {
    b.y = y;
    b.h = 26 + kLine * static_cast<int>(std::max<size_t>(b.lines.size(), 1)) + 4;
    y += b.h + kGap;
  }
  int height = boxes.empty() ? 20 : y - kGap + 10;
  std::string marker = std::string(id_prefix) + "-arrow";
  std::string out = SvgOpen(kWidth, height, "chain", "Causal chain from the symptom to the root cause");
  out += "<defs>" + ArrowMarker(marker, "#57606a") + "</defs>\n";
  for (size_t i = 0; i < boxes.size(); ++i) {
    const Box& b = boxes[i];
    bool cause = b.cls.find("cause") != std::string::npos;
    bool missing = b.cls.find("missing") != std::string::npos;
    std::string fill = b.cls == "symptom" ? "#fff8c5" : cause ? "#ffebe9" : "#ffffff";
    std::string stroke = cause ? "#cf222e" : "#8c959f";
    out += fmt::format("<g class=\"{}\">", b.cls);
    if (!b.href.empty()) out += "<a href=\"" + Escape(b.href) + "\">";
    out += "<title>" + Escape(b.tooltip) + "</title>";
    out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\" fill=\"{}\" stroke=\"{}\"{}{}/>",
                       kBoxX, b.y, kBoxWidth, b.h, fill, stroke, cause ? " stroke-width=\"2\"" : "",
                       missing ? " stroke-dasharray=\"5 3\"" : "");
    out += Text(kBoxX + 10, b.y + 18, b.title, "title", " font-weight=\"bold\"");
    for (size_t k = 0; k < b.lines.size(); ++k) {
      out += Text(kBoxX + 10, b.y + 18 + kLine * static_cast<int>(k + 1), b.lines[k]);
    }
    if (!b.href.empty()) out += "</a>";
    out += "</g>\n";
    if (i + 1 < boxes.size()) {
      int x = kBoxX + kBoxWidth / 2;
      out += fmt::format(
          "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#57606a\" stroke-width=\"1.5\" "
          "marker-end=\"url(#{})\"/>",
          x, b.y + b.h, x, boxes[i + 1].y - 2, Escape(marker));
      out += Text(x + 8, b.y + b.h + kGap / 2 + 4, "because", "because", " fill=\"#57606a\"");
      out += "\n";
    }
  }
  out += "</svg>";
  return out;
}

std::string TimelineSvg(const std::vector<TimelineRow>& rows, Timestamp from, Timestamp to) {
  constexpr int kWidth = 940, kLabelX = 6, kPlotX = 300, kPlotEnd = 850, kTop = 34, kRow = 20;
  if (to <= from) to = from + 1;
  auto x_of = [&](Timestamp t) {
    double f = static_cast<double>(t - from) / static_cast<double>(to - from);
    f = std::clamp(f, 0.0, 1.0);
    return kPlotX + static_cast<int>(f * (kPlotEnd - kPlotX) + 0.5);
  };
  std::vector<const TimelineRow*> drawn;
  for (const TimelineRow& r : rows) {
    if (r.event && r.event->last != kNoTime) drawn.push_back(&r);
  }
  int height = kTop + kRow * static_cast<int>(drawn.size()) + 12;
  std::string out = SvgOpen(kWidth, height, "timeline", "Event timeline");
  // The axis: four ticks over the evidence clock, "now" at the right.
  for (int k = 0; k <= 3; ++k) {
    Timestamp t = from + (to - from) * k / 3;
    int x = x_of(t);
    out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#d0d7de\"/>", x, kTop - 8, x,
                       height - 6);
    std::string anchor = k == 0 ? "start" : k == 3 ? "end" : "middle";
    out += Text(x, 14, ShortTime(t), "tick", " text-anchor=\"" + anchor + "\" fill=\"#57606a\"");
  }
  out += Text(kPlotEnd, 27, "now", "tick", " text-anchor=\"end\" fill=\"#57606a\"");
  out += "\n";
  int y = kTop;
  for (const TimelineRow* r : drawn) {
    const EventRecord& e = *r->event;
    bool warning = e.type == "Warning";
    std::string colour = warning ? "#cf222e" : "#0969da";
    std::string tip = std::string(e.type.empty() ? "Event" : e.type) + " " + std::string(e.reason) + " \xC3\x97" +
                      std::to_string(e.count) + ", first seen " +
                      (e.first != kNoTime ? FormatTimestamp(e.first) : std::string("unknown")) + ", last seen " +
                      FormatTimestamp(e.last) + ": " + std::string(e.message);
    out += "<g class=\"event" + std::string(warning ? " warning" : "") + "\"><title>" + Escape(tip) + "</title>";
    out += Text(kLabelX, y + 13, OneLine(r->label, 44), "label");
    int x2 = x_of(e.last);
    int x1 = e.first != kNoTime ? x_of(e.first) : x2;
    if (x1 != x2) {
      out += fmt::format(
          "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"6\" stroke-linecap=\"round\" "
          "stroke-opacity=\"0.55\"/>",
          x1, y + 9, x2, y + 9, colour);
    }
    out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"4.5\" fill=\"{}\"/>", x2, y + 9, colour);
    out += Text(std::min(x2 + 9, kPlotEnd + 12), y + 13, "\xC3\x97" + std::to_string(e.count), "count");
    out += "</g>\n";
    y += kRow;
  }
  out += "</svg>";
  return out;
}

std::string NeighbourhoodSvg(const NeighbourBox& center, const std::vector<NeighbourBox>& in,
                             const std::vector<NeighbourBox>& out_boxes, std::string_view id_prefix,
                             size_t max_per_side) {
  constexpr int kWidth = 900, kBoxW = 250, kBoxH = 52, kPitch = 62, kTextWidth = 36, kNameWidth = 31;
  constexpr int kLeftX = 10, kCenterX = 325, kRightX = 640;
  auto visible = [&](const std::vector<NeighbourBox>& side) {
    std::vector<NeighbourBox> v(side.begin(), side.begin() + static_cast<long>(std::min(side.size(), max_per_side)));
    if (side.size() > max_per_side) {
      NeighbourBox more;
      more.kind = "";
      more.name = fmt::format("+{} more", side.size() - max_per_side);
      more.via = "listed in the table below";
      v.push_back(std::move(more));
    }
    return v;
  };
  std::vector<NeighbourBox> left = visible(in);
  std::vector<NeighbourBox> right = visible(out_boxes);
  int rows = static_cast<int>(std::max<size_t>({left.size(), right.size(), 1}));
  int height = rows * kPitch + 8;
  int center_y = (height - kBoxH) / 2;
  std::string arrow_ok = std::string(id_prefix) + "-ok";
  std::string arrow_broken = std::string(id_prefix) + "-broken";
  std::string svg = SvgOpen(kWidth, height, "neighbourhood",
                            "References from and to " + center.kind + " " + center.name);
  svg += "<defs>" + ArrowMarker(arrow_ok, "#57606a") + ArrowMarker(arrow_broken, "#cf222e") + "</defs>\n";

  auto box = [&](const NeighbourBox& b, int x, int y, bool is_center) {
    std::string cls = is_center ? "node center" : "node";
    if (b.phantom) cls += " phantom";
    if (b.broken) cls += " broken";
    std::string out = "<g class=\"" + cls + "\">";
    if (!b.href.empty()) out += "<a href=\"" + Escape(b.href) + "\">";
    std::string full = b.kind + (b.kind.empty() ? "" : " ") + (b.ns.empty() ? "" : b.ns + "/") + b.name;
    std::string tip = full;
    if (!b.via.empty()) tip += " \xE2\x80\x94 " + b.via;
    if (b.phantom) tip += " (not in the input)";
    if (!b.status.empty()) tip += " (" + b.status + ")";
    out += "<title>" + Escape(tip) + "</title>";
    std::string fill = is_center ? "#ddf4ff" : b.phantom ? "#fff5f5" : "#ffffff";
    std::string stroke = b.broken ? "#cf222e" : is_center ? "#0969da" : "#8c959f";
    out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\" fill=\"{}\" stroke=\"{}\"{}/>", x,
                       y, kBoxW, kBoxH, fill, stroke, b.phantom ? " stroke-dasharray=\"5 3\"" : "");
    std::string kind_line = b.kind;
    if (b.phantom) kind_line += kind_line.empty() ? "not in the input" : " \xC2\xB7 not in the input";
    out += Text(x + 8, y + 15, OneLine(kind_line, kTextWidth), "kind", " fill=\"#57606a\"");
    out += Text(x + 8, y + 31, OneLine((b.ns.empty() ? "" : b.ns + "/") + b.name, kNameWidth), "name",
                " font-weight=\"bold\"");
    std::string third = b.via;
    if (!b.status.empty()) third += (third.empty() ? "" : " \xC2\xB7 ") + b.status;
    if (!third.empty()) {
      out += Text(x + 8, y + 46, OneLine(third, kTextWidth), "via",
                  b.broken ? " fill=\"#cf222e\"" : " fill=\"#57606a\"");
    }
    if (!b.href.empty()) out += "</a>";
    out += "</g>\n";
    return out;
  };
  auto edge = [&](int x1, int y1, int x2, int y2, bool broken) {
    int mid = (x1 + x2) / 2;
    return fmt::format(
        "<path d=\"M{},{} C{},{} {},{} {},{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"{} "
        "marker-end=\"url(#{})\"/>\n",
        x1, y1, mid, y1, mid, y2, x2 - 2, y2, broken ? "#cf222e" : "#57606a",
        broken ? " stroke-dasharray=\"5 3\"" : "", Escape(broken ? arrow_broken : arrow_ok));
  };
  auto column_y = [&](size_t i, size_t n) {
    int offset = (rows - static_cast<int>(n)) * kPitch / 2;
    return 4 + offset + static_cast<int>(i) * kPitch;
  };
  for (size_t i = 0; i < left.size(); ++i) {
    int y = column_y(i, left.size());
    svg += edge(kLeftX + kBoxW, y + kBoxH / 2, kCenterX, center_y + kBoxH / 2, left[i].broken);
  }
  for (size_t i = 0; i < right.size(); ++i) {
    int y = column_y(i, right.size());
    svg += edge(kCenterX + kBoxW, center_y + kBoxH / 2, kRightX, y + kBoxH / 2, right[i].broken);
  }
  for (size_t i = 0; i < left.size(); ++i) svg += box(left[i], kLeftX, column_y(i, left.size()), false);
  svg += box(center, kCenterX, center_y, true);
  for (size_t i = 0; i < right.size(); ++i) svg += box(right[i], kRightX, column_y(i, right.size()), false);
  svg += "</svg>";
  return svg;
}

}  // namespace kora::html
