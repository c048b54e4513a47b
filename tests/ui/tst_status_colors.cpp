// Warning and error text reads on light and dark themes alike (common/status_colors.h): the
// light theme's dark amber and red were about 1.8:1 on a dark theme's tables.
#include "common/status_colors.h"

#include "../support/contrast.h"

#include <QLabel>
#include <QtTest>


namespace {

QPalette themed(const QColor& window, const QColor& base) {
  QPalette palette;
  palette.setColor(QPalette::Window, window);
  palette.setColor(QPalette::Base, base);
  return palette;
}

}  // namespace

class StatusColorsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void readableOnEitherTheme_data() {
    QTest::addColumn<QPalette>("palette");
    QTest::newRow("light") << themed(QColor(0xef, 0xef, 0xef), Qt::white);
    QTest::newRow("dark (qt6ct darker)") << themed(QColor(0x3d, 0x3d, 0x3d), QColor(0x2b, 0x2b, 0x2b));
    QTest::newRow("black") << themed(Qt::black, Qt::black);
  }
  void readableOnEitherTheme() {
    QFETCH(QPalette, palette);
    for (const QColor& text : {tb::ui::warningTextColor(palette), tb::ui::errorTextColor(palette)}) {
      for (const QPalette::ColorRole role : {QPalette::Window, QPalette::Base}) {
        const double ratio = tbtest::contrast(text, palette.color(role));
        QVERIFY2(ratio >= 4.5, qPrintable(QStringLiteral("%1 on %2: %3:1")
                                              .arg(text.name(), palette.color(role).name())
                                              .arg(ratio, 0, 'f', 2)));
      }
    }
  }

  void labelsTakeTheirPalettesColour() {
    QLabel label;
    label.setPalette(themed(QColor(0x3d, 0x3d, 0x3d), QColor(0x2b, 0x2b, 0x2b)));
    tb::ui::useWarningText(&label);
    QCOMPARE(label.palette().color(QPalette::WindowText),
             tb::ui::warningTextColor(label.palette()));
    QVERIFY(tb::ui::isDarkPalette(label.palette()));
  }
};

QTEST_MAIN(StatusColorsTest)
#include "tst_status_colors.moc"
