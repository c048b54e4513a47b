// Numbers in the window read one way under any locale (common/number_format.h): under a
// decimal-comma locale the chart axes said "0,1" beside a table that said "0.08".
#include "common/number_format.h"
#include "common/qcustomplot_include.h"
#include "data/dataset_sources.h"
#include "models/workload_catalog.h"
#include "panels/setup_texts.h"

#include <QFile>
#include <QLocale>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QtTest>

#include <clocale>
#include <cstdio>
#include <string>

namespace {

QString decimalText() {
  char text[16];
  std::snprintf(text, sizeof text, "%.1f", 1.5);
  return QString::fromLatin1(text);
}

}  // namespace

class TestNumberFormat : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void init() { QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany)); }
  void cleanup() { QLocale::setDefault(QLocale::c()); }

  void axesUseADecimalPoint() {
    tb::ui::useOneNumberFormat();
    QCustomPlot plot;
    plot.resize(400, 300);
    plot.xAxis->setRange(0.0, 0.2);
    plot.replot();
    const QVector<QString> labels = plot.xAxis->tickVectorLabels();
    QVERIFY(!labels.isEmpty());
    const QString shown = QStringList(labels.begin(), labels.end()).join(u' ');
    QVERIFY2(labels.contains(QStringLiteral("0.1")), qPrintable(shown));
    for (const QString& label : labels) QVERIFY2(!label.contains(u','), qPrintable(label));
  }

  void workloadFactsUseADecimalPoint() {
    tb::ui::useOneNumberFormat();
    for (const tb::WorkloadInfo& info : tb::workloadCatalog()) {
      if (info.name != "fashion-mlp") continue;
      const QString text = tb::ui::workloadNeeds(info);
      QVERIFY2(text.contains(QLatin1String(" parameters")) && text.contains(QLatin1String("0.000")),
               qPrintable(text));
      QVERIFY2(!text.contains(QLatin1String("0,000")), qPrintable(text));
      return;
    }
    QFAIL("fashion-mlp is not in the catalog");
  }

  // Text the core formats with printf (download sizes, memory in an out-of-memory error, the
  // profile's table) follows the C library's locale, which QApplication sets from the
  // environment: "29,5 MB" beside "0.08". Needs a decimal-comma locale installed.
  void coreTextUsesADecimalPoint() {
    // A German locale made here where none is installed (Debian's `locales` has localedef), so
    // that the check runs on a machine with only C.UTF-8.
    QTemporaryDir made;
    QProcess compile;
    compile.start(QStringLiteral("localedef"),
                  {"-i", "de_DE", "-f", "UTF-8", made.filePath(QStringLiteral("de_DE.UTF-8"))});
    if (compile.waitForFinished(60000) && compile.exitCode() == 0) {
      qputenv("LOCPATH", QFile::encodeName(made.path()));
    }
    const auto restoreLocPath = qScopeGuard([] { qunsetenv("LOCPATH"); });
    const std::string before = std::setlocale(LC_NUMERIC, nullptr);
    bool commaLocale = false;
    for (const char* name : {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8", "ru_RU.UTF-8"})
      if (std::setlocale(LC_NUMERIC, name) && decimalText() == QLatin1String("1,5")) {
        commaLocale = true;
        break;
      }
    if (!commaLocale) {
      std::setlocale(LC_NUMERIC, before.c_str());
      QSKIP("no decimal-comma locale is installed here");
    }
    tb::ui::useOneNumberFormat();
    const QString size = QString::fromStdString(tb::formatBytes(29'515'000));
    const QString shown = decimalText();
    std::setlocale(LC_NUMERIC, before.c_str());
    QCOMPARE(shown, QStringLiteral("1.5"));
    QVERIFY2(size.contains(u'.') && !size.contains(u','), qPrintable(size));
  }

  // The check itself: without the call, the German locale writes a decimal comma.
  void theLocaleWouldOtherwiseWriteAComma() {
    QCustomPlot plot;
    plot.resize(400, 300);
    plot.xAxis->setRange(0.0, 0.2);
    plot.replot();
    QVERIFY(plot.xAxis->tickVectorLabels().contains(QStringLiteral("0,1")));
  }
};

QTEST_MAIN(TestNumberFormat)
#include "tst_number_format.moc"
