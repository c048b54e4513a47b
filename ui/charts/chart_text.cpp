// Charts in words (chart_text.h). The graphs hold what is drawn, so the text says exactly that.
#include "charts/chart_text.h"

#include "charts/plot_hover.h"
#include "common/qcustomplot_include.h"

#include <QCoreApplication>
#include <QLocale>
#include <QStringList>
#include <QVector>

#include <cmath>
#include <optional>

namespace tb::ui {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("ChartPanel", text); }

struct Span {
  double firstKey = 0.0, firstValue = 0.0, lastKey = 0.0, lastValue = 0.0;
  int missing = 0;  // points of the series with nothing measured (NaN), wherever they are
};

// The first and last measured points (a NaN is a gap: nothing measured there).
std::optional<Span> measuredSpan(const QCPGraph* graph) {
  const auto* data = graph->data().data();
  auto first = data->constBegin();
  while (first != data->constEnd() && std::isnan(first->value)) ++first;
  if (first == data->constEnd()) return std::nullopt;
  auto last = data->constEnd() - 1;
  while (std::isnan(last->value)) --last;
  Span span{first->key, first->value, last->key, last->value, 0};
  for (auto it = data->constBegin(); it != data->constEnd(); ++it) span.missing += std::isnan(it->value);
  return span;
}

// Spoken as a number, never in exponent form: "117,741 samples/s", "0.3125".
QString number(double value) {
  if (std::abs(value) >= 1000.0) return QLocale().toString(static_cast<qlonglong>(std::llround(value)));
  if (value != 0.0 && std::abs(value) < 0.0001) return QLocale().toString(value, 'g', 3);
  return QLocale().toString(value, 'g', 4);
}

QString keyText(double key, bool integerX) {
  return integerX ? QString::number(std::lround(key)) : QString::number(key, 'f', 1);
}

// "Train loss 1 to 0.5 (Epoch 1 to 2)", "Test loss 0.625 (Epoch 2)", with the values missing.
QString seriesText(const QString& series, const Span& span, const QString& xLabel, bool integerX) {
  const bool onePoint = span.firstKey == span.lastKey;
  QString text =
      onePoint ? tr("%1 %2 (%3 %4)")
                     .arg(series, number(span.lastValue), xLabel, keyText(span.lastKey, integerX))
               : tr("%1 %2 to %3 (%4 %5 to %6)")
                     .arg(series, number(span.firstValue), number(span.lastValue), xLabel,
                          keyText(span.firstKey, integerX), keyText(span.lastKey, integerX));
  if (span.missing == 1) text += tr(", 1 value not measured");
  if (span.missing > 1) text += tr(", %1 values not measured").arg(span.missing);
  return text;
}

}  // namespace

QString chartDescription(const QCustomPlot* plot, const QString& xLabel, bool integerX,
                         int maxRuns) {
  // Runs in the order their graphs were added (the legend's), each with its series' texts.
  QStringList runs;
  QVector<QStringList> seriesOf;
  for (int i = 0; i < plot->graphCount(); ++i) {
    const QCPGraph* graph = plot->graph(i);
    if (!graph->visible()) continue;
    const std::optional<Span> span = measuredSpan(graph);
    if (!span) continue;
    qsizetype run = runs.indexOf(graph->name());
    if (run < 0) {
      runs << graph->name();
      seriesOf.push_back({});
      run = runs.size() - 1;
    }
    seriesOf[run] << seriesText(graph->property(kSeriesProperty).toString(), *span, xLabel,
                                integerX);
  }
  if (runs.isEmpty()) return tr("No runs drawn.");
  QStringList parts;
  for (qsizetype run = 0; run < runs.size() && run < maxRuns; ++run) {
    parts << tr("%1: %2.").arg(runs[run], seriesOf[run].join(QStringLiteral("; ")));
  }
  const qsizetype more = runs.size() - maxRuns;
  if (more == 1) parts << tr("1 more run; the comparison table lists every run.");
  if (more > 1) parts << tr("%1 more runs; the comparison table lists every run.").arg(more);
  return parts.join(QLatin1Char(' '));
}

}  // namespace tb::ui
