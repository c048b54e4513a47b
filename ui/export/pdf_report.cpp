// PDF report, painted with QPainter on a QPdfWriter (A4 portrait, 300 dpi layout units; images
// keep their full resolution). The layout runs twice: a measuring pass without a painter counts
// the pages, so every footer can say "Page n of N".
#include "export/pdf_report.h"

#include "common/qt_convert.h"
#include "export/file_export.h"
#include "export/report_page.h"
#include "export/report_tables.h"
#include "model/run_collection.h"
#include "results/table_text.h"

#include <QFont>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QBuffer>
#include <QStringList>

#include <algorithm>
#include <cmath>

namespace tb::ui {

namespace {

constexpr int kResolution = 300;
constexpr double kMarginMm = 16.0;
constexpr int kChartsPerPage = 3;
// Vertical space in points: the "Charts" heading, between a chart's title and image, after a chart.
constexpr double kChartsHeadingPoints = 30.0;
constexpr double kChartTitleGap = 4.0;
constexpr double kChartGap = 14.0;

// Text from result files, which may come from anywhere: no control or bidi characters.
QString textOrNa(const std::string& text) {
  return text.empty() ? QStringLiteral("n/a") : toQString(table::printable(text));
}

QString reportTitle(const ReportContent& content) {
  return content.title.isEmpty() ? QObject::tr("TrainBench report") : content.title;
}

class ReportWriter final {
 public:
  // Without a painter nothing is drawn: the pass only measures and counts pages.
  ReportWriter(QPdfWriter* device, QPainter* painter, const ReportContent& content, int pageCount)
      : m_page(device, painter, reportTitle(content), pageCount), m_content(content) {}

  // Returns the number of pages.
  int render() {
    titleBlock();
    comparison();
    machines();
    gpus();
    charts();
    m_page.finish();
    return m_page.pageNumber();
  }

 private:
  void titleBlock() {
    m_page.text(m_page.font(20, true), kTextColor, reportTitle(m_content), Qt::AlignLeft);
    QStringList facts;
    if (!m_content.generatedAt.isEmpty()) {
      facts << QObject::tr("Generated %1").arg(m_content.generatedAt);
    }
    if (!m_content.appVersion.isEmpty()) {
      facts << QObject::tr("TrainBench %1").arg(m_content.appVersion);
    }
    facts << runsAndMachines(m_content.rows, distinctMachineCount(m_content.machines));
    m_page.skip(m_page.pt(2));
    m_page.text(m_page.font(9.5), kMutedColor, facts.join(QStringLiteral("  ·  ")), Qt::AlignLeft);
    m_page.skip(m_page.pt(6));
    m_page.rule(kAccentColor, m_page.pt(1.5));
    m_page.skip(m_page.pt(14));
  }

  void comparison() {
    m_page.heading(QObject::tr("Comparison"));
    const std::vector<ComparisonRow>& rows = m_content.rows;
    if (rows.empty()) {
      m_page.text(m_page.font(10), kMutedColor, QObject::tr("No runs to compare."), Qt::AlignLeft);
      m_page.skip(m_page.pt(16));
      return;
    }
    // One table per size: total times and speed-ups compare only within one, each against its
    // own baseline.
    for (const ReportSection& section : comparisonSections(rows)) {
      m_page.keepTogether(m_page.pt(60));
      m_page.text(m_page.font(9.5, true), kTextColor, section.title, Qt::AlignLeft);
      m_page.skip(m_page.pt(4));
      m_page.table(section.columns, section.rows);
      m_page.skip(m_page.pt(4));
      m_page.text(m_page.font(8), kMutedColor, section.baselineNote, Qt::AlignLeft);
      m_page.skip(m_page.pt(12));
    }

    m_page.text(m_page.font(8), kMutedColor, comparisonNotes(rows).join(QLatin1Char(' ')),
                Qt::AlignLeft);
    for (const QString& line : failureLines(rows)) {
      m_page.skip(m_page.pt(3));
      m_page.text(m_page.font(8), kWarningColor, line, Qt::AlignLeft);
    }
    for (const ComparisonRow& row : rows) {
      for (const auto& warning : row.warnings) {
        m_page.skip(m_page.pt(3));
        m_page.text(m_page.font(8), kWarningColor,
                    QStringLiteral("\u26a0 %1: %2").arg(textOrNa(row.label), QString::fromStdString(warning)),
                    Qt::AlignLeft);
      }
    }
    m_page.skip(m_page.pt(18));
    efficiency(rows);
  }

  // Each measured run against its device's measured peak, in tables of their own so the
  // comparison keeps its columns on a portrait page; one per group, as the comparison's, since
  // peak ratios and speed-ups are against each group's baseline. Left out when no run has the
  // figures.
  void efficiency(const std::vector<ComparisonRow>& rows) {
    const QVector<ReportSection> sections = efficiencySections(rows);
    if (sections.isEmpty()) return;
    const bool peaks = std::any_of(sections.begin(), sections.end(),
                                   [](const ReportSection& section) { return section.peaks; });
    m_page.heading(peaks ? QObject::tr("Throughput against measured peak")
                         : QObject::tr("Achieved throughput"));
    for (const ReportSection& section : sections) {
      if (sections.size() > 1) {
        m_page.keepTogether(m_page.pt(60));
        m_page.text(m_page.font(9.5, true), kTextColor, section.title, Qt::AlignLeft);
        m_page.skip(m_page.pt(4));
      }
      m_page.table(section.columns, section.rows);
      m_page.skip(m_page.pt(5));
    }
    m_page.text(m_page.font(8), kMutedColor,
                peaks ? QObject::tr("Achieved TFLOPS is the workload's training FLOPs per sample "
                                    "times samples/s; peak TFLOPS the device's measured dense "
                                    "matrix product rate in the run's precision; efficiency their "
                                    "ratio. The peak ratio (each peak over its group's baseline's) "
                                    "next to the speed-up shows how much of a device's peak "
                                    "advantage becomes training speed. n/a: not measured.")
                      : QObject::tr("Achieved TFLOPS is the workload's training FLOPs per sample "
                                    "times samples/s. No run here recorded its device's peak (a "
                                    "CLI run with --no-probe skips it), so there is no "
                                    "efficiency."),
                Qt::AlignLeft);
    if (const std::string note = efficiencyNote(rows); !note.empty()) {
      m_page.text(m_page.font(8), kMutedColor, toQString(note), Qt::AlignLeft);
    }
    m_page.skip(m_page.pt(18));
  }

  void machines() {
    if (m_content.machines.isEmpty()) return;
    m_page.heading(QObject::tr("Machines"));
    const QVector<ReportColumn> columns = {
        {QObject::tr("Machine"), Qt::AlignLeft, true},
        {QObject::tr("Operating system"), Qt::AlignLeft, true},
        {QObject::tr("CPU"), Qt::AlignLeft, true},
        {QObject::tr("Cores"), Qt::AlignRight, false},
        {QObject::tr("Memory"), Qt::AlignRight, false},
        {QObject::tr("LibTorch"), Qt::AlignLeft, false},
        {QObject::tr("TrainBench"), Qt::AlignLeft, false},
        {QObject::tr("CPU BLAS"), Qt::AlignLeft, true},
    };
    QVector<ReportRow> cells;
    for (const SystemRecord& system : m_content.machines) {
      const bool coresKnown = system.physicalCores > 0 || system.logicalCores > 0;
      const QString cores =
          coresKnown ? QStringLiteral("%1 / %2").arg(system.physicalCores).arg(system.logicalCores)
                     : QStringLiteral("n/a");
      const QString memory =
          system.memoryMb
              ? toQString(table::fixed(*system.memoryMb / 1024.0, 1)) + QStringLiteral(" GiB")
              : QStringLiteral("n/a");
      cells.push_back({{textOrNa(system.hostname), textOrNa(system.os), textOrNa(system.cpuModel),
                        cores, memory,
                        textOrNa(system.libtorchVersion), textOrNa(system.appVersion),
                        textOrNa(system.blas)},
                       false});
    }
    m_page.table(columns, cells);
    m_page.skip(m_page.pt(5));
    const bool rankOnly = std::any_of(m_content.machines.begin(), m_content.machines.end(),
                                      [](const SystemRecord& m) { return m.cpuModel.empty() && m.os.empty(); });
    m_page.text(m_page.font(8), kMutedColor,
                QObject::tr("Cores: physical / logical. Memory: installed memory.") +
                    (rankOnly ? QObject::tr(" A data-parallel run records only the names of the "
                                            "machines its other ranks ran on (n/a).")
                              : QString()),
                Qt::AlignLeft);
  }

  // What a GPU server's runs were measured on: the model alone does not say its memory, or the
  // driver and CUDA libraries that can change its speed.
  void gpus() {
    if (m_content.gpus.isEmpty()) return;
    m_page.skip(m_page.pt(10));
    m_page.heading(QObject::tr("GPUs"));
    const QVector<ReportColumn> columns = {
        {QObject::tr("Machine"), Qt::AlignLeft, true},
        {QObject::tr("Device"), Qt::AlignLeft, false},
        {QObject::tr("GPU"), Qt::AlignLeft, true},
        {QObject::tr("Memory"), Qt::AlignRight, false},
        {QObject::tr("Compute capability"), Qt::AlignRight, false},
        {QObject::tr("Driver"), Qt::AlignLeft, false},
        {QObject::tr("CUDA / cuDNN"), Qt::AlignLeft, false},
        {QObject::tr("Power limit"), Qt::AlignRight, false},
    };
    QVector<ReportRow> cells;
    for (const ReportGpu& gpu : m_content.gpus) {
      const DeviceRecord& d = gpu.device;
      const QString memory =
          d.memoryMb ? toQString(table::fixed(*d.memoryMb / 1024.0, 1)) + QStringLiteral(" GiB")
                     : QStringLiteral("n/a");
      cells.push_back({{textOrNa(gpu.machine), textOrNa(d.id), textOrNa(d.name), memory,
                        textOrNa(d.computeCapability.value_or(std::string())),
                        textOrNa(d.driverVersion.value_or(std::string())),
                        textOrNa(d.cudaRuntime.value_or(std::string())) + QStringLiteral(" / ") +
                            textOrNa(d.cudnnVersion.value_or(std::string())),
                        d.powerLimitW && std::isfinite(*d.powerLimitW)
                            ? toQString(table::fixed(*d.powerLimitW, 0)) + QStringLiteral(" W")
                            : QStringLiteral("n/a")},
                       false});
    }
    m_page.table(columns, cells);
  }

  void charts() {
    bool first = true;
    const auto startCharts = [&] {
      if (!first) return;
      // The charts start on a page of their own, after the tables.
      m_page.newPage();
      m_page.heading(QObject::tr("Charts"));
      first = false;
    };
    // Their runs as text, a line each: as the window's legend, an image, two hundred runs
    // printed too small to read, on one page.
    if (!m_content.legend.isEmpty()) {
      startCharts();
      m_page.text(m_page.font(11, true), kTextColor, QObject::tr("Runs"), Qt::AlignLeft);
      m_page.skip(m_page.pt(kChartTitleGap));
      m_page.legend(m_content.legend);
      m_page.skip(m_page.pt(kChartGap));
    }
    for (const auto& [title, pixmap] : m_content.charts) {
      if (pixmap.isNull()) continue;
      startCharts();
      const QFont titleFont = m_page.font(11, true);
      const double titleHeight = m_page.textHeight(titleFont, title);
      const double aspect = static_cast<double>(pixmap.width()) / pixmap.height();
      double width = m_page.width();
      double height = width / aspect;
      // Three per page (below the "Charts" heading), so a reader can compare them at a glance.
      const double maxHeight =
          (m_page.bottom() - m_page.pt(kChartsHeadingPoints)) / kChartsPerPage - titleHeight -
          m_page.pt(kChartTitleGap + kChartGap);
      if (height > maxHeight) {
        height = maxHeight;
        width = height * aspect;
      }
      m_page.keepTogether(titleHeight + m_page.pt(kChartTitleGap) + height);
      // Title and image share a left edge; a narrowed chart is centred.
      const double left = (m_page.width() - width) / 2;
      m_page.text(titleFont, kTextColor, title, Qt::AlignLeft, left);
      m_page.skip(m_page.pt(kChartTitleGap));
      m_page.image(pixmap, QRectF(left, m_page.y(), width, height));
      m_page.skip(height + m_page.pt(kChartGap));
    }
  }

  ReportPage m_page;
  const ReportContent& m_content;
};

}  // namespace

bool exportPdfReport(const QString& path, const ReportContent& content, QString* error) {
  auto fail = [&](const QString& why) {
    if (error) *error = path + QStringLiteral(": ") + why;
    return false;
  };
  // Rendered in memory, then written as one checked write (writeFileAtomically): the PDF engine
  // takes a short write (a full disk, a file size limit) without a word, and would leave a
  // truncated report in place of the old one.
  QByteArray pdf;
  {
    QBuffer buffer(&pdf);
    buffer.open(QIODevice::WriteOnly);
    QPdfWriter writer(&buffer);
    writer.setResolution(kResolution);
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait,
                                     QMarginsF(kMarginMm, kMarginMm, kMarginMm, kMarginMm),
                                     QPageLayout::Millimeter));
    writer.setTitle(reportTitle(content));
    writer.setCreator(QStringLiteral("TrainBench ") + content.appVersion);

    const int pageCount = ReportWriter(&writer, nullptr, content, 0).render();

    QPainter painter;
    if (!painter.begin(&writer)) return fail(QObject::tr("cannot start the PDF"));
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    ReportWriter(&writer, &painter, content, pageCount).render();
    if (!painter.end()) return fail(QObject::tr("cannot finish the PDF"));
  }
  return writeFileAtomically(path, pdf, error);
}

int distinctMachineCount(const QVector<SystemRecord>& machines) {
  QSet<QString> names;
  for (const SystemRecord& system : machines) {
    names.insert(toQString(system.hostname) + QLatin1Char('\n') + toQString(system.cpuModel));
  }
  return static_cast<int>(names.size());
}

QVector<SystemRecord> machinesOf(const QVector<RunResult>& results) {
  QVector<SystemRecord> machines;
  for (const RunResult& result : results) {
    const SystemRecord& system = result.system;
    // One row per machine as each run found it: a machine whose LibTorch, BLAS or TrainBench
    // changed between its runs is listed once per version (they may explain a speed), not once
    // with the first run's.
    const bool known = std::any_of(machines.begin(), machines.end(), [&](const SystemRecord& m) {
      return m.hostname == system.hostname && m.cpuModel == system.cpuModel && m.os == system.os &&
             m.physicalCores == system.physicalCores && m.logicalCores == system.logicalCores &&
             m.memoryMb == system.memoryMb && m.libtorchVersion == system.libtorchVersion &&
             m.appVersion == system.appVersion && m.blas == system.blas;
    });
    if (!known) machines.push_back(system);
  }
  // The other machines of data-parallel runs: rank 0 writes the result and records only their
  // names, but a run across machines left out of the list read as a run on one.
  for (const RunResult& result : results) {
    if (!result.distributed) continue;
    for (const RankRecord& rank : result.distributed->ranks) {
      const bool known = std::any_of(machines.begin(), machines.end(),
                                     [&](const SystemRecord& m) { return m.hostname == rank.host; });
      if (known || rank.host.empty()) continue;
      SystemRecord other;
      other.hostname = rank.host;
      machines.push_back(other);
    }
  }
  return machines;
}

QVector<ReportGpu> gpusOf(const QVector<RunResult>& results) {
  QVector<ReportGpu> gpus;
  for (const RunResult& result : results) {
    if (result.device.kind == "cpu" || result.device.id.empty()) continue;
    const bool known = std::any_of(gpus.begin(), gpus.end(), [&](const ReportGpu& gpu) {
      // A driver upgrade or another power limit between runs is listed too: the comparison
      // keeps such runs apart.
      return gpu.machine == result.system.hostname && gpu.device.id == result.device.id &&
             gpu.device.name == result.device.name &&
             gpu.device.driverVersion == result.device.driverVersion &&
             gpu.device.cudaRuntime == result.device.cudaRuntime &&
             gpu.device.cudnnVersion == result.device.cudnnVersion &&
             gpu.device.powerLimitW == result.device.powerLimitW;
    });
    if (!known) gpus.push_back({result.system.hostname, result.device});
  }
  // The GPUs the other ranks trained on, by id: only rank 0's name is recorded.
  for (const RunResult& result : results) {
    if (!result.distributed) continue;
    for (const RankRecord& rank : result.distributed->ranks) {
      if (rank.device.empty() || rank.device == "cpu") continue;
      const bool known = std::any_of(gpus.begin(), gpus.end(), [&](const ReportGpu& gpu) {
        return gpu.machine == rank.host && gpu.device.id == rank.device;
      });
      if (known) continue;
      DeviceRecord device;
      device.id = rank.device;
      gpus.push_back({rank.host, device});
    }
  }
  return gpus;
}

QVector<ReportGpu> gpusOf(const RunCollection& runs, bool visibleOnly) {
  QVector<RunResult> results;
  for (int i = 0; i < runs.count(); ++i) {
    if (!visibleOnly || runs.at(i).visible) results.push_back(runs.at(i).result);
  }
  return gpusOf(results);
}

QVector<SystemRecord> machinesOf(const RunCollection& runs, bool visibleOnly) {
  QVector<RunResult> results;
  for (int i = 0; i < runs.count(); ++i) {
    if (!visibleOnly || runs.at(i).visible) results.push_back(runs.at(i).result);
  }
  return machinesOf(results);
}

}  // namespace tb::ui
