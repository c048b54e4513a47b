#include "model/run_collection.h"

#include "common/qt_convert.h"
#include "common/status_colors.h"
#include "results/comparison.h"
#include "results/result_file.h"
#include "results/table_text.h"

#include <QDateTime>
#include <QGuiApplication>

#include <algorithm>
#include <array>

namespace tb::ui {

namespace {

// Distinct colours that read on light and dark backgrounds (Tableau 10, its grey swapped for a
// cyan: beside the article's grey published rows a tenth run read as one of them).
constexpr std::array<QRgb, 10> kPalette = {0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f,
                                           0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f, 0x17becf};

// A lighter shade of `base` that keeps its hue: QColor::lighter(140) takes the saturation away
// from a colour already at full value, and the pink's shade came out white.
QColor lighterShade(const QColor& base) {
  return QColor::fromHsvF(base.hsvHueF(), base.hsvSaturationF() * 0.75,
                          std::min(1.0F, base.valueF() * 1.4F));
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
  const DisplayedRun& run = m_runs[index];
  QString label = run.label();
  QVector<int> alike;
  for (int i = 0; i < m_runs.size(); ++i) {
    if (i != index && m_runs[i].label() == label) alike << i;
  }
  if (alike.isEmpty()) return label;
  // Runs that differ in learning rate say so, as the comparison's labels do, before the date.
  const auto rate = [this](int i) {
    return QStringLiteral("lr ") +
           toQString(table::shortNumber(m_runs[i].result.config.learningRate));
  };
  if (std::any_of(alike.begin(), alike.end(), [&](int i) { return rate(i) != rate(index); })) {
    label += QStringLiteral(" · ") + rate(index);
    alike.erase(std::remove_if(alike.begin(), alike.end(),
                               [&](int i) { return rate(i) != rate(index); }),
                alike.end());
    if (alike.isEmpty()) return label;
  }
  const int earlierSame = static_cast<int>(std::count_if(alike.begin(), alike.end(), [&](int i) {
    return i < index && m_runs[i].result.created == run.result.created;
  }));
  // "2026-12-02T10:31:05Z" reads "2026-12-02 11:31:05" in Berlin, local time as in History;
  // runs started the same second get "(2)".
  const QDateTime time = createdTime(run.result.created);
  QString created = toQString(table::printable(run.result.created));
  if (time.isValid()) {
    created = time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
  } else {
    created.replace(u'T', u' ').remove(u'Z');
  }
  label += QStringLiteral(" · ") + created;
  if (earlierSame > 0) label += QStringLiteral(" (%1)").arg(earlierSame + 1);
  return label;
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

QString RunCollection::add(const RunResult& result, bool live, const QString& filePath) {
  DisplayedRun run;
  run.id = QStringLiteral("run-%1").arg(m_nextId++);
  run.result = result;
  run.color = nextColor();
  run.live = live;
  run.filePath = filePath;
  m_runs.push_back(run);
  Q_EMIT runAdded(run.id);
  return run.id;
}

void RunCollection::setResult(const QString& id, const RunResult& result, bool live) {
  if (auto* run = findMutable(id)) {
    run->result = result;
    run->live = live;
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
  Q_EMIT runRemoved(id);
}

void RunCollection::clear() {
  while (!m_runs.isEmpty()) remove(m_runs.back().id);
}

}  // namespace tb::ui
