// A chart zooms to a rectangle dragged with the left button and says so in its corner (on
// screen and in exports) until a double-click fits it again; a right-button drag does not zoom.
#include "charts/chart_zoom.h"
#include "common/qcustomplot_include.h"

#include <QSignalSpy>
#include <QtTest>

using namespace tb::ui;

namespace {

QCPItemText* zoomNote(QCustomPlot* plot) {
  for (int i = 0; i < plot->itemCount(); ++i) {
    auto* text = qobject_cast<QCPItemText*>(plot->item(i));
    if (text && text->text().startsWith(QStringLiteral("zoomed"))) return text;
  }
  return nullptr;
}

void drag(QCustomPlot* plot, Qt::MouseButton button, QPoint from, QPoint to) {
  const auto send = [plot](QEvent::Type type, QPoint at, Qt::MouseButton changed,
                           Qt::MouseButtons held) {
    QMouseEvent event(type, at, plot->mapToGlobal(at), changed, held, Qt::NoModifier);
    QCoreApplication::sendEvent(plot, &event);
  };
  send(QEvent::MouseButtonPress, from, button, button);
  send(QEvent::MouseMove, to, Qt::NoButton, button);
  send(QEvent::MouseButtonRelease, to, button, Qt::NoButton);
}

}  // namespace

class ChartZoomTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void zoomIsSaidUntilADoubleClickFitsAgain() {
    QCustomPlot plot;
    plot.resize(600, 400);
    QCPGraph* graph = plot.addGraph();
    for (int x = 0; x <= 10; ++x) graph->addData(x, x * x);
    plot.rescaleAxes();
    ChartZoom zoom(&plot);
    QSignalSpy fit(&zoom, &ChartZoom::fitRequested);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    plot.replot();
    QCPItemText* note = zoomNote(&plot);
    QVERIFY(note);
    QVERIFY(!note->visible());
    const QRect area = plot.axisRect()->rect();
    const QPoint from(static_cast<int>(plot.xAxis->coordToPixel(2)), area.top() + 2);
    const QPoint to(static_cast<int>(plot.xAxis->coordToPixel(5)), area.bottom() - 2);

    drag(&plot, Qt::RightButton, from, to);
    QVERIFY(!zoom.zoomed());
    QCOMPARE(plot.xAxis->range().lower, 0.0);
    QCOMPARE(plot.xAxis->range().upper, 10.0);

    drag(&plot, Qt::LeftButton, from, to);
    QVERIFY(zoom.zoomed());
    QVERIFY(note->visible());
    QVERIFY(plot.xAxis->range().lower > 1.0 && plot.xAxis->range().upper < 6.0);

    QMouseEvent click(QEvent::MouseButtonDblClick, to, plot.mapToGlobal(to), Qt::LeftButton,
                      Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&plot, &click);
    QVERIFY(!zoom.zoomed());
    QVERIFY(!note->visible());
    QCOMPARE(fit.count(), 1);
  }
};

QTEST_MAIN(ChartZoomTest)
#include "tst_chart_zoom.moc"
