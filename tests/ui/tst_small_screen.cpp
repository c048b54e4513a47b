// The window on a small or scaled screen: a 1024x768 screen at 150% scaling leaves 683 logical
// pixels across, a 1280x720 one at 150% 853x480. The window must shrink to fit such a screen and
// the dialogs open within it, their buttons on it.
#include "comparison/comparison_panel.h"
#include "devices/probe_dialog.h"
#include "devices/profile_dialog.h"
#include "engine/run_config.h"
#include "history/history_panel.h"
#include "history/result_library.h"
#include "panels/setup_panel.h"
#include "results/result_file.h"
#include "window/main_window.h"

#include "../support/run_result_builder.h"

#include <QApplication>
#include <QMenu>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QtTest>

#include <algorithm>
#include <memory>

using namespace tb::ui;

namespace {

// How narrow a layout lets a widget get.
int minimumWidth(const QWidget* widget) {
  return std::max(widget->minimumWidth(), widget->minimumSizeHint().width());
}

// What sets a widget's minimum width, child by child, for the failure message.
QString widthReport(const QWidget* widget, int depth = 0) {
  QString text = QStringLiteral("%1%2: %3\n")
                     .arg(QString(depth * 2, QLatin1Char(' ')),
                          QString::fromLatin1(widget->metaObject()->className()))
                     .arg(minimumWidth(widget));
  if (depth > 12) return text;
  for (const QWidget* child : widget->findChildren<QWidget*>(Qt::FindDirectChildrenOnly)) {
    if (!child->isWindow() && minimumWidth(child) > 120) text += widthReport(child, depth + 1);
  }
  return text;
}

// The dialog, shown, lies within its screen's free area.
bool fitsItsScreen(const QWidget& dialog) {
  const QSize free = dialog.screen()->availableGeometry().size();
  return dialog.width() <= free.width() && dialog.height() <= free.height();
}

}  // namespace

class SmallScreenTest : public QObject {
  Q_OBJECT

 private:
  std::unique_ptr<QTemporaryDir> m_dir;

 private Q_SLOTS:
  void init() { m_dir = std::make_unique<QTemporaryDir>(); }

  // The window could not get narrower than 870 pixels: the sidebar's combo boxes and check
  // boxes at their full text (a long CPU model more), and History's row of buttons.
  void windowShrinksToASmallScreen() {
    MainWindow window(m_dir->filePath(QStringLiteral("settings.ini")),
                      m_dir->filePath(QStringLiteral("results")));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const int width = window.minimumSizeHint().width();
    if (width > 640) qInfo().noquote() << widthReport(&window);
    QVERIFY2(width <= 640, qPrintable(QString::number(width)));
  }

  // With runs open, the charts and the comparison fit beside the sidebar on such a screen: at 40
  // letters the baseline box held them wider than the visible area, which scrolled sideways with
  // the charts' right edges and the notes under the controls cut off.
  void runsFitASmallScreen() {
    MainWindow window(m_dir->filePath(QStringLiteral("settings.ini")),
                      m_dir->filePath(QStringLiteral("results")));
    QStringList paths;
    for (const char* device : {"cpu", "cuda:0"}) {
      const QString path = m_dir->filePath(QString::fromLatin1(device).remove(':') + ".json");
      tb::RunResult run = tbtest::RunResultBuilder().workload("fashion-mlp").device(device, "A long device name of forty letters ....");
      run.system.hostname = "a-rather-long-host-name.example.org";
      tb::writeResultFile(run, path.toStdString());
      paths << path;
    }
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.openResultFiles(paths).isEmpty());
    window.resize(853, 480);
    auto* tabs = window.findChild<QTabWidget*>();
    auto* area = qobject_cast<QScrollArea*>(tabs->widget(0));
    QVERIFY(area && area->widget());
    // The charts' grid reflows to the room there is, a layout pass or two later.
    QTRY_VERIFY2(area->widget()->width() <= area->viewport()->width(),
                 qPrintable(QStringLiteral("%1 > %2\n").arg(area->widget()->width())
                                .arg(area->viewport()->width()) +
                            widthReport(area->widget())));
  }

  // On a 1024x600 netbook, runs of different sizes put the comparison's note of three lines above
  // the table: the layout counted the note as one line shorter, and the table's last rows and
  // its horizontal scroll bar (the columns after Speed-up) lay below the end of the scrolled area,
  // out of reach.
  void tableUnderTheNoteCanBeScrolledTo() {
    MainWindow window(m_dir->filePath(QStringLiteral("settings.ini")),
                      m_dir->filePath(QStringLiteral("results")));
    QStringList paths;
    for (int images : {256, 1024, 2048, 4096, 8192}) {
      const QString path = m_dir->filePath(QStringLiteral("run-%1.json").arg(images));
      tbtest::RunResultBuilder run;
      run.workload("fashion-mlp", "fashion-mnist").samples(images, 64).plannedEpochs(2);
      run.device("cpu", "AMD EPYC").host("vm").steadyState(9000.0);
      for (int epoch = 0; epoch < 2; ++epoch) run.epoch(0.3, 9000.0).loss(0.6).accuracy(0.8);
      tb::writeResultFile(run.test(0.55, 0.81).totalSeconds(0.7), path.toStdString());
      paths << path;
    }
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.openResultFiles(paths).isEmpty());
    window.comparisonPanel()->refreshNow();
    window.resize(1024, 552);  // the screen less a title bar and a panel
    QVERIFY(!window.comparisonPanel()->sizeNote().isEmpty());
    auto* area = qobject_cast<QScrollArea*>(window.findChild<QTabWidget*>()->widget(0));
    QVERIFY(area && area->widget());
    const QTableWidget* table = window.comparisonPanel()->table();
    const auto tableBottom = [&] {
      return table->mapTo(area->widget(), QPoint(0, table->height())).y();
    };
    QTRY_VERIFY2(tableBottom() <= area->widget()->height(),
                 qPrintable(QStringLiteral("the table ends at %1 px of %2")
                                .arg(tableBottom())
                                .arg(area->widget()->height())));
    QVERIFY(table->height() >= table->minimumHeight());
  }

  // A tiled window manager's 700-pixel column: the total-time chart beside the table held it to
  // one column of cut device names, and the whole results area scrolled sideways. The chart
  // goes under the table; nothing scrolls sideways.
  void narrowWindowStacksTheComparison() {
    MainWindow window(m_dir->filePath(QStringLiteral("settings.ini")),
                      m_dir->filePath(QStringLiteral("results")));
    QStringList paths;
    for (const char* host : {"alpha", "beta"}) {
      const QString path = m_dir->filePath(QString::fromLatin1(host) + ".json");
      tb::RunResult run =
          tbtest::RunResultBuilder().workload("fashion-mlp").device("cpu", "AMD EPYC").host(host);
      tb::writeResultFile(run, path.toStdString());
      paths << path;
    }
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.openResultFiles(paths).isEmpty());
    window.comparisonPanel()->refreshNow();
    window.resize(700, 1000);
    auto* area = qobject_cast<QScrollArea*>(window.findChild<QTabWidget*>()->widget(0));
    QVERIFY(area && area->widget());
    const QTableWidget* table = window.comparisonPanel()->table();
    const QWidget* chart = window.comparisonPanel()->chartTabs();
    QTRY_VERIFY2(chart->mapTo(area->widget(), QPoint()).y() >=
                     table->mapTo(area->widget(), QPoint(0, table->height())).y(),
                 "the chart is not under the table");
    QTRY_VERIFY2(area->widget()->width() <= area->viewport()->width(),
                 qPrintable(QStringLiteral("%1 > %2\n")
                                .arg(area->widget()->width())
                                .arg(area->viewport()->width()) +
                            widthReport(area->widget())));
    QVERIFY(table->width() >= window.comparisonPanel()->width() * 3 / 4);
    // Wide again, side by side.
    window.resize(1280, 720);
    QTRY_VERIFY(chart->mapTo(area->widget(), QPoint()).x() >=
                table->mapTo(area->widget(), QPoint(table->width(), 0)).x());
  }

  // The sidebar gives up width as the window narrows, never as it grows or changes height: one
  // dragged wider stays so.
  void aWiderSidebarStaysThroughOtherResizes() {
    MainWindow window(m_dir->filePath(QStringLiteral("settings.ini")),
                      m_dir->filePath(QStringLiteral("results")));
    window.resize(1600, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* sidebar = qobject_cast<QSplitter*>(window.setupPanel()->parentWidget()->parentWidget());
    QVERIFY(sidebar);
    const int total = sidebar->sizes().at(0) + sidebar->sizes().at(1);
    sidebar->setSizes({900, total - 900});
    window.resize(1600, 700);
    QTRY_COMPARE(window.height(), 700);
    QCOMPARE(sidebar->sizes().at(0), 900);
    window.resize(1000, 700);
    QTRY_VERIFY(sidebar->sizes().at(0) <= 400);
  }

  // The sidebar dragged to the window's edge was gone, Setup, Run and the queue with it, and a
  // saved layout kept it gone at the next start: no pane can be dragged to nothing now, whatever
  // an older layout says.
  void aCollapsedSidebarComesBack() {
    const QString settingsPath = m_dir->filePath(QStringLiteral("settings.ini"));
    {
      QSplitter collapsed;  // as an older TrainBench saved it: Qt's default, collapsible
      collapsed.addWidget(new QWidget);
      collapsed.addWidget(new QWidget);
      collapsed.resize(1000, 600);
      collapsed.setSizes({0, 1000});
      QSettings settings(settingsPath, QSettings::IniFormat);
      settings.setValue(QStringLiteral("window/sidebar"), collapsed.saveState());
    }
    MainWindow window(settingsPath, m_dir->filePath(QStringLiteral("results")));
    window.resize(1024, 552);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    for (const QSplitter* splitter : window.findChildren<QSplitter*>()) {
      QVERIFY(!splitter->childrenCollapsible());
    }
    QTRY_VERIFY2(window.setupPanel()->width() >= window.setupPanel()->minimumSizeHint().width(),
                 qPrintable(QString::number(window.setupPanel()->width())));
  }

  // On a narrow window History's buttons that do not fit are in its tool bar's » menu, every
  // one of them: buttons added as widgets never reached it, and the menu opened empty.
  void historyButtonsThatDoNotFitAreInTheMenu() {
    ResultLibrary library(m_dir->path());
    HistoryPanel panel(&library);
    panel.resize(220, 400);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    auto* bar = panel.findChild<QToolBar*>();
    QVERIFY(bar);
    QStringList hidden;
    for (QAction* action : bar->actions()) {
      if (!bar->widgetForAction(action)->isVisible()) hidden << action->text();
    }
    QVERIFY2(!hidden.isEmpty(), "all buttons fit: the test needs a narrower panel");
    auto* more = bar->findChild<QToolButton*>(QStringLiteral("qt_toolbar_ext_button"));
    QVERIFY(more && more->isVisible());
    QStringList inMenu;
    QTimer poll;  // reads the menu once it is up, inside its own event loop
    QObject::connect(&poll, &QTimer::timeout, &panel, [&inMenu] {
      if (auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget())) {
        for (QAction* action : menu->actions()) {
          if (!action->isSeparator()) inMenu << action->text();
        }
        menu->close();
      }
    });
    poll.start(20);
    more->click();
    QTRY_VERIFY(!inMenu.isEmpty());
    for (const QString& text : hidden) QVERIFY2(inMenu.contains(text), qPrintable(text));
  }

  // The profile dialog opened 820 pixels wide and taller than a 1280x720 screen at 150%, its
  // Profile and Close buttons below the screen's edge. (Offscreen, the screen is 800x600.)
  void dialogsOpenWithinTheScreen() {
    tb::RunConfig config;
    config.workload = "fashion-mlp";
    config.device = "cpu";
    config.synthetic = true;
    ProfileDialog profile({config, config, config});
    profile.show();
    QVERIFY(QTest::qWaitForWindowExposed(&profile));
    QVERIFY2(fitsItsScreen(profile), qPrintable(QStringLiteral("%1x%2").arg(profile.width()).arg(profile.height())));

    ProbeDialog probe({{QStringLiteral("cpu"), 1}});
    probe.show();
    QVERIFY(QTest::qWaitForWindowExposed(&probe));
    QVERIFY(fitsItsScreen(probe));
  }
};

QTEST_MAIN(SmallScreenTest)
#include "tst_small_screen.moc"
