// Bars as one QCPBars per row, so each row keeps its run's colour.
#include "comparison/comparison_chart.h"

#include "charts/plot_style.h"
#include "charts/roomy_ticks.h"
#include "common/host_names.h"
#include "common/qcustomplot_include.h"
#include "common/qt_convert.h"

#include <QCoreApplication>
#include <QRegularExpression>

#include <algorithm>
#include <optional>

namespace tb::ui {

namespace {

constexpr int kMaxLabelChars = 30;
constexpr double kBarWidth = 0.62;

QString text(const char* source) {
  return QCoreApplication::translate("tb::ui::ComparisonPanel", source);
}

const QString kPartSeparator = QString::fromUtf8(kLabelPartSeparator);

// A part of a label's ending that is a qualified host name ("gpu-node-07.cluster.example.org"),
// split into its name and a number the comparison added to tell runs apart (" (2)"); an address
// or a date is none.
struct HostPart {
  QString name;
  QString suffix;
};

std::optional<HostPart> hostPart(const QString& part) {
  static const QRegularExpression number(QStringLiteral(" \\(\\d+\\)$"));
  const QRegularExpressionMatch counted = number.match(part);
  const QString suffix = counted.hasMatch() ? counted.captured() : QString();
  const QString name = part.left(part.size() - suffix.size());
  if (!isQualifiedHost(name)) return std::nullopt;
  return HostPart{name, suffix};
}

// The domain every qualified host in `labels` shares (host_names.h).
QString sharedLabelDomain(const QStringList& labels) {
  QStringList hosts;
  for (const QString& label : labels) {
    const qsizetype split = label.indexOf(kPartSeparator);
    if (split < 0) continue;
    for (const QString& part : label.mid(split).split(kPartSeparator)) {
      if (const auto host = hostPart(part)) hosts << host->name;
    }
  }
  return sharedDomain(hosts);
}

// The ending of a label (" · host · date") with the shared domain taken off its host names:
// "gpu-node-07.cluster.example.org" -> "gpu-node-07…" where every host ends in that domain,
// "node1.site-a.hpc.example.org" -> "node1.site-a…" where only "hpc.example.org" is shared.
QString labelWithoutDomain(const QString& ending, const QString& domain) {
  if (domain.isEmpty()) return ending;
  QStringList parts = ending.split(kPartSeparator);
  for (QString& part : parts) {
    if (const auto host = hostPart(part)) part = withoutDomain(host->name, domain) + host->suffix;
  }
  return parts.join(kPartSeparator);
}

// Shortened in the middle: what tells two rows apart is at the end (" · bench-2", a date), so
// the end stays whole where it is short, and the device's name gives way.
QString elided(const QString& label, const QString& domain) {
  if (label.size() <= kMaxLabelChars) return label;
  const QChar ellipsis(0x2026);
  const qsizetype split = label.indexOf(kPartSeparator);
  if (split > 0) {
    const QString ending = labelWithoutDomain(label.mid(split), domain);
    const qsizetype room = kMaxLabelChars - 1 - ending.size();
    if (room >= 8) return label.left(room) + ellipsis + ending;
  }
  const qsizetype head = (kMaxLabelChars - 1) / 2;
  return label.left(head) + ellipsis + label.right(kMaxLabelChars - 1 - head);
}

const QString kNameSeparator = QString::fromUtf8(kLabelNameSeparator);

// The part of a label before the device's name, in its pieces: a word, or a group that reads as
// one ("(4 threads)", "(earlier TrainBench)", "\u00d7 2 ranks"), so that none is cut in two.
QStringList headPieces(const QString& head) {
  const QStringList words = head.split(u' ', Qt::SkipEmptyParts);
  QStringList pieces;
  for (qsizetype i = 0; i < words.size(); ++i) {
    QString piece = words[i];
    if (piece.startsWith(u'(')) {
      while (!piece.endsWith(u')') && i + 1 < words.size()) piece += u' ' + words[++i];
    } else if (piece == QStringLiteral("\u00d7")) {
      for (int more = 0; more < 2 && i + 1 < words.size(); ++more) piece += u' ' + words[++i];
    }
    pieces << piece;
  }
  return pieces;
}

// Where some label is too long, the pieces before the device's name that every measured row
// shares ("cuda:0 synthetic — NVIDIA H100 80GB HBM3", "cuda:0 synthetic — NVIDIA L4") are left
// out of all of them: the models then tell the bars apart, where the cut kept the shared words
// and took the models. The table beside the chart says every word. The published rows have no
// device part and keep theirs; so does a lone measured row, which shares nothing with another.
QStringList withoutSharedHeadWords(const QStringList& labels) {
  if (std::none_of(labels.begin(), labels.end(),
                   [](const QString& label) { return label.size() > kMaxLabelChars; })) {
    return labels;
  }
  std::optional<QStringList> shared;
  int measured = 0;
  for (const QString& label : labels) {
    const qsizetype split = label.indexOf(kNameSeparator);
    if (split <= 0) continue;
    ++measured;
    const QStringList pieces = headPieces(label.left(split));
    if (!shared) {
      shared = pieces;
    } else {
      shared->removeIf([&pieces](const QString& piece) { return !pieces.contains(piece); });
    }
  }
  if (measured < 2 || !shared || shared->isEmpty()) return labels;
  QStringList shortened;
  for (const QString& label : labels) {
    const qsizetype split = label.indexOf(kNameSeparator);
    if (split <= 0) {
      shortened << label;
      continue;
    }
    QStringList head = headPieces(label.left(split));
    head.removeIf([&shared](const QString& piece) { return shared->contains(piece); });
    const QString name = label.mid(split + kNameSeparator.size());
    shortened << (head.isEmpty() ? name : head.join(u' ') + kNameSeparator + name);
  }
  return shortened;
}

// Every row's label, shortened; host names lose the domain they all share.
QStringList elidedLabels(const std::vector<ComparisonRow>& rows) {
  QStringList full;
  for (const ComparisonRow& row : rows) full << toQString(row.label);
  const QString domain = sharedLabelDomain(full);
  QStringList labels;
  for (const QString& label : withoutSharedHeadWords(full)) labels << elided(label, domain);
  // Two rows that read alike once shortened (bf16 and fp32 runs of one CPU, cut in its name)
  // keep their whole labels: a bar must never be taken for another.
  for (int i = 0; i < labels.size(); ++i) {
    for (int j = i + 1; j < labels.size(); ++j) {
      if (labels[i] == labels[j] && full[i] != full[j]) {
        labels[i] = full[i];
        labels[j] = full[j];
      }
    }
  }
  return labels;
}

}  // namespace

void setUpTotalTimeChart(QCustomPlot* plot) {
  addPlotTitle(plot, text("Total time"), text("training and testing, shorter is faster"));
  plot->xAxis->setLabel(text("Total time (s)"));
  plot->yAxis->setTicker(QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText));
  plot->yAxis->grid()->setVisible(false);
  plot->yAxis->setTickLength(0, 0);
  plot->yAxis->setSubTicks(false);
  keepBarLabelsInside(plot);
  keepValueTickLabelsApart(plot);  // the chart beside the table can be narrow
}

void drawTotalTimeBars(QCustomPlot* plot, const std::vector<ComparisonRow>& rows,
                       const QVector<QColor>& colors, const QPalette& palette) {
  plot->clearPlottables();
  plot->clearItems();
  auto ticker = qSharedPointerCast<QCPAxisTickerText>(plot->yAxis->ticker());
  ticker->clear();

  const int count = static_cast<int>(rows.size());
  const QStringList labels = elidedLabels(rows);
  for (int i = 0; i < count; ++i) {
    const ComparisonRow& row = rows[static_cast<std::size_t>(i)];
    const double key = count - i;  // the table's first row on top
    ticker->addTick(key, labels.value(i));

    if (!row.totalSeconds) {
      addBarValueLabel(plot, key, 0.0, QStringLiteral("n/a"), palette);
      continue;
    }
    auto* bars = new QCPBars(plot->yAxis, plot->xAxis);  // key on y: horizontal bars
    bars->setWidth(kBarWidth);
    const QColor color = colors.value(i, QColor(Qt::gray));
    bars->setBrush(color);
    bars->setPen(QPen(color.darker(115)));
    bars->addData(key, *row.totalSeconds);
    double labelAt = *row.totalSeconds;
    if (row.totalLow && row.totalHigh) {
      // The 95% interval of repeats (or of a projection) as an error bar.
      auto* errors = new QCPErrorBars(plot->yAxis, plot->xAxis);
      errors->setDataPlottable(bars);
      errors->setErrorType(QCPErrorBars::etValueError);
      errors->setPen(QPen(palette.color(QPalette::WindowText), 1.2));
      errors->setData(QVector<double>{std::max(0.0, *row.totalSeconds - *row.totalLow)},
                      QVector<double>{std::max(0.0, *row.totalHigh - *row.totalSeconds)});
      labelAt = std::max(labelAt, *row.totalHigh);
    }
    // "~" marks a projected total; it never passes for a measured one.
    const QString seconds = (row.projected ? QStringLiteral("~") : QString()) +
                            formatOptional(row.totalSeconds, 2) +
                            QStringLiteral(" s");
    QString label = seconds;
    if (row.speedup) {
      label += QStringLiteral("  (") + toQString(formatSpeedup(*row.speedup)) +
               (row.withinNoise ? text(", within noise") : QString()) + u')';
    }
    // A narrow chart shows the seconds alone: the table beside it has the speed-up.
    addBarValueLabel(plot, key, labelAt, label, palette, seconds);
  }
  plot->xAxis->setRange(0.0, 1.0);  // the upper end: keepBarLabelsInside
  plot->yAxis->setRange(0.4, std::max(count, 1) + 0.6);
  applyPlotPalette(plot, palette);
}

}  // namespace tb::ui
