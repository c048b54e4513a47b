// The PDF report's charts are drawn for paper (export/paper_palette.h): under a dark theme they
// printed as dark blocks on the white page. The window gets its own palette back afterwards.
#include "charts/chart_panel.h"
#include "common/qcustomplot_include.h"
#include "common/status_colors.h"
#include "export/paper_palette.h"
#include "model/run_collection.h"

#include <QtTest>

using namespace tb::ui;

namespace {

QPalette darkTheme() {
  QPalette palette(QColor(0x3d, 0x3d, 0x3d));
  palette.setColor(QPalette::Window, QColor(0x3d, 0x3d, 0x3d));
  palette.setColor(QPalette::Base, QColor(0x2b, 0x2b, 0x2b));
  palette.setColor(QPalette::WindowText, QColor(0xee, 0xee, 0xee));
  return palette;
}

QColor plotBackground(const ChartPanel& panel) {
  return panel.plots().first()->axisRect()->backgroundBrush().color();
}

}  // namespace

class PaperPaletteTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void darkChartsPrintLight() {
    QWidget window;
    window.setPalette(darkTheme());
    RunCollection runs;
    auto* panel = new ChartPanel(&runs, &window);
    QVERIFY(isDarkPalette(panel->palette()));
    const QColor screen = plotBackground(*panel);
    QCOMPARE(screen, QColor(0x2b, 0x2b, 0x2b));
    {
      const PaperPalette paper({panel});
      QCOMPARE(plotBackground(*panel), QColor(Qt::white));
      QCOMPARE(panel->plots().first()->xAxis->tickLabelColor(), QColor(Qt::black));
    }
    QCOMPARE(plotBackground(*panel), screen);
    // Inherited again: a later theme change still reaches the charts.
    QVERIFY(!panel->testAttribute(Qt::WA_SetPalette));
    window.setPalette(PaperPalette::paper());
    QCOMPARE(plotBackground(*panel), QColor(Qt::white));
  }

  void lightChartsAreLeftAlone() {
    RunCollection runs;
    ChartPanel panel(&runs);
    panel.setPalette(PaperPalette::paper());
    const PaperPalette paper({&panel});
    QVERIFY(panel.testAttribute(Qt::WA_SetPalette));
    QCOMPARE(plotBackground(panel), QColor(Qt::white));
  }
};

QTEST_MAIN(PaperPaletteTest)
#include "tst_paper_palette.moc"
