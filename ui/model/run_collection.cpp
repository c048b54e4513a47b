#include "model/run_collection.h"


#include "common/qt_convert.h"
#include "common/status_colors.h"
#include "results/comparison.h"
#include "results/result_file.h"
#include "results/table_text.h"

#include <QDateTime>
#include <QGuiApplication>
#include <QHash>
#include <QSet>

#include <algorithm>
#include <array>
#include <functional>
#include <utility>

namespace tb::ui {

namespace {

// Distinct colours that read on light and dark backgrounds (Tableau 10, its grey swapped for a
// cyan: beside the article's grey published rows a tenth run read as one of them).
// Ordered so that the first colours stay apart also for the commonest colour-vision deficiencies
// (deuteranopia, protanopia: Machado 2009): red and green, alike for them, are kept far apart.
// Beside the colour each run has its own marker shape (run_markers.h).
constexpr std::array<QRgb, 10> kPalette = {0x4e79a7, 0xf28e2b, 0x9c755f, 0x76b7b2, 0x59a14f,
                                           0x17becf, 0xedc948, 0xb07aa1, 0xff9da7, 0xe15759};

// A lighter shade of `base` that keeps its hue: QColor::lighter(140) takes the saturation away
// from a colour already at full value, and the pink's shade came out white.
QColor lighterShade(const QColor& base) {
  return QColor::fromHsvF(base.hsvHueF(), base.hsvSaturationF() * 0.75,
                          std::min(1.0F, base.valueF() * 1.4F));
}

// Where runs share a label but differ in `partOf` theirs, each label gets its part.
void tellApart(QVector<QString>& labels, const std::function<QString(int)>& partOf) {
  QHash<QString, QVector<int>> alike;  // runs by label, in order
  for (int i = 0; i < labels.size(); ++i) alike[labels[i]] << i;
  for (const QVector<int>& group : std::as_const(alike)) {
    QSet<QString> parts;
    for (const int i : group) parts.insert(partOf(i));
    if (parts.size() < 2) continue;
    for (const int i : group) labels[i] += QStringLiteral(" \u00b7 ") + partOf(i);
  }
}

}  // namespace

QString DisplayedRun::label() const {
  std::string text = deviceLabel(result);
  if (!result.system.hostname.empty()) text += " \u00b7 " + result.system.hostname;
  // Names from a shared file: a bidi override or line break must not reorder or split the
  // legend, the chart's tooltips or the PDF's list of runs.
  return toQString(table::printable(text));
}

RunCollection::RunCollection(QObject* parent) : QObject(parent) {}

QString RunCollection::distinctLabel(int index) const {
  // Every chart replot and legend sync asks for every label: worked out for all runs at once
  // and kept until the runs change (each label compared with all others made hundreds of shown
  // runs take the GUI thread, and so the cores a run trains on, for seconds).
  if (m_distinctLabels.size() != m_runs.size()) m_distinctLabels = distinctLabels();
  return m_distinctLabels.at(index);
}

QVector<QString> RunCollection::distinctLabels() const {
  QVector<QString> labels;
  labels.reserve(m_runs.size());
  for (const DisplayedRun& run : m_runs) labels << run.label();
  // Runs of more than one workload all say theirs: three workloads' loss curves in one chart
  // read "cpu (1 thread) — host", told apart by a date only, and an H200's ResNet-50 beside a
  // laptop's MLP read as the same work. Then runs that differ in learning rate say so (as the
  // comparison's labels do).
  const auto workloadOf = [this](int i) {
    return toQString(table::printable(m_runs[i].result.workload.name));
  };
  QSet<QString> workloads;
  for (int i = 0; i < m_runs.size(); ++i) workloads.insert(workloadOf(i));
  if (workloads.size() > 1) {
    for (int i = 0; i < m_runs.size(); ++i) labels[i] += QStringLiteral(" \u00b7 ") + workloadOf(i);
  }
  tellApart(labels, [this](int i) {
    return QStringLiteral("lr ") +
           toQString(table::shortNumber(m_runs[i].result.config.learningRate));
  });
  // Then the date; runs started the same second get "(2)", "(3)" in order.
  QHash<QString, QVector<int>> alike;
  for (int i = 0; i < labels.size(); ++i) alike[labels[i]] << i;
  for (const QVector<int>& group : std::as_const(alike)) {
    if (group.size() < 2) continue;
    QHash<QString, int> startedAlike;
    for (const int i : group) {
      const int earlierSame = startedAlike[toQString(m_runs[i].result.created)]++;
      labels[i] += QStringLiteral(" \u00b7 ") + createdLabel(m_runs[i].result.created);
      if (earlierSame > 0) labels[i] += QStringLiteral(" (%1)").arg(earlierSame + 1);
    }
  }
  return labels;
}

QString RunCollection::createdLabel(const std::string& created) {
  // "2026-12-02T10:31:05Z" reads "2026-12-02 11:31:05" in Berlin, local time as in History.
  const QDateTime time = createdTime(created);
  if (time.isValid()) return time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
  QString text = toQString(table::printable(created));
  return text.replace(u'T', u' ').remove(u'Z');
}

const DisplayedRun* RunCollection::find(const QString& id) const {
  const int index = indexOf(id);
  return index >= 0 ? &m_runs[index] : nullptr;
}

DisplayedRun* RunCollection::findMutable(const QString& id) {
  const int index = indexOf(id);
  return index >= 0 ? &m_runs[index] : nullptr;
}

int RunCollection::indexOf(const QString& id) const {
  for (int i = 0; i < m_runs.size(); ++i) {
    if (m_runs[i].id == id) return i;
  }
  return -1;
}

QString RunCollection::idForFile(const QString& path) const {
  for (const auto& run : m_runs) {
    if (!path.isEmpty() && run.filePath == path) return run.id;
  }
  return QString();
}

QString RunCollection::idForRun(const RunResult& result) const {
  for (const auto& run : m_runs) {
    if (!run.live && sameRun(run.result, result)) return run.id;
  }
  return QString();
}

QColor RunCollection::nextColor() const {
  // The first palette colour no shown run uses, so removing a run frees its colour. Past ten
  // runs, a second shade of each, away from the background (darker on a light theme, lighter
  // on a dark one): two runs drawn alike could not be told apart in the charts, the legend or
  // the table. Past twenty, colours repeat.
  const bool dark = isDarkPalette(QGuiApplication::palette());
  for (const bool second : {false, true}) {
    for (const QRgb rgb : kPalette) {
      const QColor base(rgb);
      const QColor candidate = !second ? base : dark ? lighterShade(base) : base.darker(170);
      bool used = false;
      for (const auto& run : m_runs) used = used || run.color.rgb() == candidate.rgb();
      if (!used) return candidate;
    }
  }
  return QColor(kPalette[static_cast<std::size_t>(m_runs.size()) % kPalette.size()]);
}

int RunCollection::nextMarker() const {
  std::array<int, kRunMarkerCount> uses{};
  for (const auto& run : m_runs) ++uses[static_cast<std::size_t>(run.marker % kRunMarkerCount)];
  return static_cast<int>(std::min_element(uses.begin(), uses.end()) - uses.begin());
}

QString RunCollection::add(const RunResult& result, bool live, const QString& filePath) {
  DisplayedRun run;
  run.id = QStringLiteral("run-%1").arg(m_nextId++);
  run.result = result;
  run.color = nextColor();
  run.marker = nextMarker();
  run.live = live;
  run.filePath = filePath;
  m_runs.push_back(run);
  m_distinctLabels.clear();
  Q_EMIT runAdded(run.id);
  return run.id;
}

void RunCollection::setResult(const QString& id, const RunResult& result, bool live) {
  if (auto* run = findMutable(id)) {
    run->result = result;
    run->live = live;
    m_distinctLabels.clear();
    Q_EMIT runChanged(id);
  }
}

void RunCollection::setFilePath(const QString& id, const QString& filePath) {
  if (auto* run = findMutable(id)) {
    run->filePath = filePath;
    Q_EMIT runChanged(id);
  }
}

void RunCollection::appendEpoch(const QString& id, const EpochRecord& epoch) {
  if (auto* run = findMutable(id)) {
    run->result.epochs.push_back(epoch);
    Q_EMIT runChanged(id);
  }
}

void RunCollection::setTest(const QString& id, const TestRecord& test) {
  if (auto* run = findMutable(id)) {
    run->result.test = test;
    Q_EMIT runChanged(id);
  }
}

void RunCollection::appendTelemetry(const QString& id, const TelemetrySample& sample) {
  auto* run = findMutable(id);
  if (!run) return;
  auto& timeline = run->result.timeline;
  timeline.push_back(sample);
  if (static_cast<int>(timeline.size()) > kMaxTimelineSamples) {
    // Keep every other sample: the curve keeps its shape at half the resolution.
    std::vector<TelemetrySample> thinned;
    thinned.reserve(timeline.size() / 2 + 1);
    for (std::size_t i = 0; i < timeline.size(); i += 2) thinned.push_back(timeline[i]);
    timeline.swap(thinned);
  }
  Q_EMIT runChanged(id);
}

void RunCollection::setVisible(const QString& id, bool visible) {
  auto* run = findMutable(id);
  if (!run || run->visible == visible) return;
  run->visible = visible;
  Q_EMIT visibilityChanged(id);
}

void RunCollection::remove(const QString& id) {
  const int index = indexOf(id);
  if (index < 0) return;
  m_runs.removeAt(index);
  m_distinctLabels.clear();
  Q_EMIT runRemoved(id);
}

void RunCollection::restore(const QVector<DisplayedRun>& runs, const QStringList& orderBefore) {
  QSet<QRgb> taken;
  for (const auto& shown : m_runs) taken.insert(shown.color.rgb());
  QStringList added;
  QStringList repaint;
  for (DisplayedRun run : runs) {
    run.live = false;
    int at = 0;
    for (int k = static_cast<int>(orderBefore.indexOf(run.id)) - 1; k >= 0; --k) {
      const int shown = indexOf(orderBefore[k]);
      if (shown >= 0) {
        at = shown + 1;
        break;
      }
    }
    // Ids are never handed out twice (m_nextId), so the run's own is free unless it is shown.
    if (run.id.isEmpty() || find(run.id) != nullptr) {
      run.id = QStringLiteral("run-%1").arg(m_nextId++);
    }
    if (taken.contains(run.color.rgb())) {
      repaint << run.id;
      run.color = QColor();  // none, until every run of the batch has its own back
    }
    m_runs.insert(at, run);
    added << run.id;
  }
  for (const QString& id : repaint) findMutable(id)->color = nextColor();
  m_distinctLabels.clear();
  for (const QString& id : added) Q_EMIT runAdded(id);
}

void RunCollection::clear() {
  while (!m_runs.isEmpty()) remove(m_runs.back().id);
}

}  // namespace tb::ui
