// A combo box whose closed face elides its text in the middle: a label's start (the device) and
// end (the host and time that tell repeats apart) both stay in view, where QComboBox cuts the
// end off. The popup shows the items in full.
#pragma once

#include <QComboBox>

namespace tb::ui {

class ElidingComboBox final : public QComboBox {
  Q_OBJECT

 public:
  explicit ElidingComboBox(QWidget* parent = nullptr);

  // The text the closed combo box shows now, elided to its width.
  QString shownText() const;

 protected:
  void paintEvent(QPaintEvent* event) override;
};

}  // namespace tb::ui
