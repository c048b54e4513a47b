// How the PDF report lays out tables: among the columns (distributeColumnWidths) numbers stay on
// one line and names share what is left without one starving the others; no row outgrows a page.
#include "export/report_page.h"

#include <QBuffer>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QtTest>

#include <cmath>
#include <numeric>

using tb::ui::ColumnNeed;
using tb::ui::distributeColumnWidths;

namespace {

ColumnNeed fixedColumn(double natural, double minimum) { return {natural, minimum, false}; }
ColumnNeed wrappingColumn(double natural, double minimum) { return {natural, minimum, true}; }

double sum(const QVector<double>& widths) {
  return std::accumulate(widths.begin(), widths.end(), 0.0);
}

bool near(double a, double b) { return std::abs(a - b) < 1e-6; }

// An A4 page in memory, as the report lays it out, with a painter on it.
struct A4Pdf {
  QBuffer buffer;
  QPdfWriter writer{&buffer};
  QPainter painter;
  A4Pdf() {
    buffer.open(QIODevice::WriteOnly);
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait,
                                     QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter));
    painter.begin(&writer);
  }
};

}  // namespace

class ReportPageTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // A made-up 6000-character host name in a shared file cannot make a row taller than a page:
  // its figures would be drawn off the paper. The cell is cut; the row ends above the footer.
  void aHugeCellStaysOnThePage() {
    A4Pdf pdf;
    tb::ui::ReportPage page(&pdf.writer, &pdf.painter, QStringLiteral("test"), 1);
    const QVector<tb::ui::ReportColumn> columns = {
        {QStringLiteral("Machine"), Qt::AlignLeft, true},
        {QStringLiteral("Total (s)"), Qt::AlignRight, false}};
    const QString host = QStringLiteral("host ").repeated(1200);
    page.table(columns, {tb::ui::ReportRow{{host, QStringLiteral("12.34")}, false}});
    QVERIFY2(page.y() <= page.bottom(), qPrintable(QStringLiteral("%1 > %2").arg(page.y()).arg(page.bottom())));
    page.finish();
  }

  // Two hundred runs' legend prints a line a run, at the tables' size, over as many pages as it
  // takes: as one image it was squeezed onto part of a page, its text too small to read.
  void aLongLegendContinuesOverPages() {
    A4Pdf pdf;
    tb::ui::ReportPage page(&pdf.writer, &pdf.painter, QStringLiteral("test"), 1);
    QVector<QPair<QColor, QString>> runs;
    for (int i = 0; i < 200; ++i) {
      runs.push_back({QColor::fromHsv(i % 360, 200, 200),
                      QStringLiteral("cuda:0 bf16 \u2014 NVIDIA H200 \u00b7 gpu-node-%1").arg(i)});
    }
    const double start = page.y();
    page.legend(runs.mid(0, 1));
    const double line = page.y() - start;
    QVERIFY(line >= page.textHeight(page.font(8.5), runs[0].second));
    page.legend(runs.mid(1));
    const int pages = page.pageNumber();
    QVERIFY2(pages >= 3, qPrintable(QStringLiteral("%1 page(s)").arg(pages)));
    QVERIFY(page.y() <= page.bottom());
    page.finish();
  }

  // With room to spare nothing wraps, and the spare room goes out in proportion.
  void roomToSpareIsSharedInProportion() {
    const auto widths = distributeColumnWidths({wrappingColumn(100, 40), fixedColumn(50, 50)}, 300);
    QCOMPARE(widths.size(), 2);
    QVERIFY(near(widths[0], 200));
    QVERIFY(near(widths[1], 100));
  }

  // A table of numbers only that does not fit is scaled down as a whole.
  void numbersOnlyAreScaledToTheLine() {
    const auto widths = distributeColumnWidths({fixedColumn(100, 100), fixedColumn(300, 300)}, 200);
    QVERIFY(near(widths[0], 50));
    QVERIFY(near(widths[1], 150));
  }

  // Numbers keep their one-line width; the names fill the rest up to a common level, so a short
  // name column keeps its natural width and the long one takes what remains.
  void namesFillTheRestToACommonLevel() {
    const auto widths = distributeColumnWidths(
        {fixedColumn(100, 80), wrappingColumn(300, 50), wrappingColumn(60, 40)}, 300);
    QVERIFY(near(widths[0], 80));
    QVERIFY(near(widths[1], 160));
    QVERIFY(near(widths[2], 60));
    QVERIFY(near(sum(widths), 300));
  }

  // When the numbers alone nearly fill the line they give up room: names keep 30% of it.
  void namesKeepAThirdOfAFullLine() {
    const auto widths =
        distributeColumnWidths({fixedColumn(250, 250), wrappingColumn(200, 20)}, 300);
    QVERIFY(near(widths[0], 210));
    QVERIFY(near(widths[1], 90));
  }

  // Numbers too wide for the line wrap at their spaces first ("116577 (113361-119794)", "0.02x
  // (within noise)"), down to a common cap and never below their longest word; headers broke
  // inside words ("Tota|l tim|e") when they were scaled down as a whole.
  void numbersWrapAtSpacesBeforeWordsBreak() {
    ColumnNeed interval = fixedColumn(250, 250);
    interval.word = 120;
    ColumnNeed speedup = fixedColumn(150, 150);
    speedup.word = 100;
    const auto widths = distributeColumnWidths({interval, speedup, wrappingColumn(200, 20)}, 400);
    QVERIFY(near(widths[0], 140));
    QVERIFY(near(widths[1], 140));
    QVERIFY(near(widths[2], 120));
    // Where even their longest words do not fit, they scale down from those.
    const auto squeezed = distributeColumnWidths({interval, speedup, wrappingColumn(200, 20)}, 200);
    QVERIFY(near(squeezed[0], 140 * 120.0 / 220));
    QVERIFY(near(squeezed[1], 140 * 100.0 / 220));
    QVERIFY(near(sum(squeezed), 200));
  }

  // A word far longer than an even share (a fully qualified host name) breaks instead of
  // squeezing the other name column below its natural width.
  void aVeryLongWordBreaksRatherThanStarveOthers() {
    const auto widths = distributeColumnWidths(
        {fixedColumn(100, 100), wrappingColumn(400, 250), wrappingColumn(150, 60)}, 400);
    QVERIFY(near(widths[0], 100));
    QVERIFY(widths[1] < 250);  // narrower than its longest word: that word breaks
    QVERIFY(near(widths[1], 150));
    QVERIFY(near(widths[2], 150));
  }

  // Names whose words cannot all fit are squeezed in proportion to their longest words.
  void namesThatCannotFitAreSqueezedEvenly() {
    const auto widths = distributeColumnWidths(
        {fixedColumn(100, 100), wrappingColumn(200, 120), wrappingColumn(200, 120)}, 300);
    QVERIFY(near(widths[0], 100));
    QVERIFY(near(widths[1], 100));
    QVERIFY(near(widths[2], 100));
  }

  // A cell breaks at spaces; only a word wider than the cell (a kernel version) breaks inside it.
  // It broke anywhere once one word was too long: "Ubuntu 24.04.3 L" / "TS (Linux ...".
  void onlyAWordWiderThanTheCellBreaks() {
    QImage device(16, 16, QImage::Format_RGB32);
    QFont font;
    font.setPointSizeF(8.5);
    const QFontMetricsF metrics(font, &device);
    const QString text = QStringLiteral("Ubuntu 24.04.3 LTS (Linux 6.18.44-fc-v657-gpu)");
    const double width = metrics.horizontalAdvance(QStringLiteral("(Linux 6.18.44"));
    const QStringList lines = tb::ui::wrappedLines(font, &device, text, width);
    QVERIFY2(lines.size() >= 3, qPrintable(lines.join(QLatin1Char('|'))));
    for (const QString& line : lines) {
      QVERIFY2(metrics.horizontalAdvance(line) <= width + 0.5, qPrintable(line));
    }
    QStringList words;
    for (const QString& line : lines) words += line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString& word : text.split(QLatin1Char(' '))) {
      if (metrics.horizontalAdvance(word) <= width) {
        QVERIFY2(words.contains(word), qPrintable(word + " broken: " + lines.join('|')));
      }
    }
    QCOMPARE(lines.join(QString()).remove(QLatin1Char(' ')), QString(text).remove(' '));
  }

  // Whatever the needs, the table never runs past the line.
  void neverWiderThanTheLine() {
    const QVector<QVector<ColumnNeed>> tables = {
        {},
        {fixedColumn(1000, 900)},
        {wrappingColumn(5000, 4000), wrappingColumn(10, 10), fixedColumn(80, 80)},
        {fixedColumn(290, 290), wrappingColumn(20, 10)},
    };
    for (const auto& needs : tables) {
      const auto widths = distributeColumnWidths(needs, 300);
      QCOMPARE(widths.size(), needs.size());
      QVERIFY2(sum(widths) <= 300 + 1e-6, qPrintable(QString::number(sum(widths))));
    }
  }
};

QTEST_MAIN(ReportPageTest)
#include "tst_report_page.moc"
