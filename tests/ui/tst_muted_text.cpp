// Secondary text (captions, notes, hidden runs) in the palette's PlaceholderText stays readable
// under a dark theme that leaves that role at its light-theme grey, and a light theme keeps its own.
#include "common/muted_text.h"

#include <QtTest>

using namespace tb::ui;

class MutedTextTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void darkThemesGetReadableMutedText() {
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(27, 30, 32));
    dark.setColor(QPalette::WindowText, QColor(252, 252, 252));
    dark.setColor(QPalette::PlaceholderText, QColor(0, 0, 0, 128));  // the light theme's
    const QPalette fixed = withReadableMutedText(dark);
    for (const auto group : {QPalette::Active, QPalette::Inactive}) {
      const QColor muted = fixed.color(group, QPalette::PlaceholderText);
      QVERIFY2(contrastRatio(muted, fixed.color(group, QPalette::Window)) >= 3.0,
               qPrintable(muted.name()));
      // Still quieter than the text itself.
      QVERIFY(contrastRatio(muted, fixed.color(group, QPalette::Window)) <
              contrastRatio(fixed.color(group, QPalette::WindowText),
                            fixed.color(group, QPalette::Window)));
    }
  }

  void readableThemesKeepTheirOwn() {
    QPalette light;
    light.setColor(QPalette::Window, QColor(239, 239, 239));
    light.setColor(QPalette::WindowText, QColor(0, 0, 0));
    light.setColor(QPalette::PlaceholderText, QColor(0x60, 0x60, 0x60));
    QCOMPARE(withReadableMutedText(light).color(QPalette::PlaceholderText), QColor(0x60, 0x60, 0x60));
  }
};

QTEST_MAIN(MutedTextTest)
#include "tst_muted_text.moc"
