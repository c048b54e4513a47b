// Warning and error text reads on light and dark themes alike (common/status_colors.h): the
// light theme's dark amber and red were about 1.8:1 on a dark theme's tables.
#include "common/status_colors.h"

#include <QLabel>
#include <QtTest>

#include <algorithm>
#include <cmath>

namespace {

// WCAG 2 relative luminance and contrast ratio.
double luminance(const QColor& color) {
  const auto channel = [](double c) {
    return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) +
         0.0722 * channel(color.blueF());
}

double contrast(const QColor& a, const QColor& b) {
  const double la = luminance(a);
  const double lb = luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

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
        const double ratio = contrast(text, palette.color(role));
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
