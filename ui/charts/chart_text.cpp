// Charts in words (chart_text.h). The graphs hold what is drawn, so the text says exactly that.
#include "charts/chart_text.h"

#include "charts/plot_hover.h"
#include "common/qcustomplot_include.h"

#include <QCoreApplication>
#include <QStringList>
#include <QVector>

#include <cmath>
#include <optional>

namespace tb::ui {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("ChartPanel", text); }

struct Span {
  double firstKey = 0.0, firstValue = 0.0, lastKey = 0.0, lastValue = 0.0;
};

// The first and last measured points (a NaN is a gap: nothing measured there).
std::optional<Span> measuredSpan(const QCPGraph* graph) {
  const auto* data = graph->data().data();
  auto first = data->constBegin();
  while (first != data->constEnd() && std::isnan(first->value)) ++first;
  if (first == data->constEnd()) return std::nullopt;
  auto last = data->constEnd() - 1;
  while (std::isnan(last->value)) --last;
  return Span{first->key, first->value, last->key, last->value};
}

QString number(double value) { return QString::number(value, 'g', 4); }

QString keyText(double key, bool integerX) {
  return integerX ? QString::number(std::lround(key)) : QString::number(key, 'f', 1);
}

}  // namespace

QString chartDescription(const QCustomPlot* plot, const QString& xLabel, bool integerX,
                         int maxRuns) {
  // Runs in the order their graphs were added (the legend's), each with its series' texts.
  QStringList runs;
  QVector<QStringList> seriesOf;
  QVector<std::pair<double, double>> keysOf;
  for (int i = 0; i < plot->graphCount(); ++i) {
    const QCPGraph* graph = plot->graph(i);
    if (!graph->visible()) continue;
    const std::optional<Span> span = measuredSpan(graph);
    if (!span) continue;
    qsizetype run = runs.indexOf(graph->name());
    if (run < 0) {
      runs << graph->name();
      seriesOf.push_back({});
      keysOf.push_back({span->firstKey, span->lastKey});
      run = runs.size() - 1;
    }
    auto& keys = keysOf[run];
    keys = {std::min(keys.first, span->firstKey), std::max(keys.second, span->lastKey)};
    const QString series = graph->property(kSeriesProperty).toString();
    seriesOf[run] << (span->firstKey == span->lastKey
                          ? tr("%1 %2").arg(series, number(span->lastValue))
                          : tr("%1 %2 to %3")
                                .arg(series, number(span->firstValue), number(span->lastValue)));
  }
  if (runs.isEmpty()) return tr("No runs drawn.");
  QStringList parts;
  for (qsizetype run = 0; run < runs.size() && run < maxRuns; ++run) {
    const auto [from, to] = keysOf[run];
    const QString range = from == to ? keyText(to, integerX)
                                     : tr("%1 to %2").arg(keyText(from, integerX),
                                                          keyText(to, integerX));
    parts << tr("%1: %2 (%3 %4).").arg(runs[run], seriesOf[run].join(QStringLiteral(", ")),
                                       xLabel, range);
  }
  if (runs.size() > maxRuns) {
    parts << tr("%1 more runs; the comparison table lists every run.").arg(runs.size() - maxRuns);
  }
  return parts.join(QLatin1Char(' '));
}

}  // namespace tb::ui
