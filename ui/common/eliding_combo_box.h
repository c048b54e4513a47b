// A combo box whose closed face elides its text, in the middle unless told otherwise: a label's
// start (the device) and end (the host and time that tell repeats apart) both stay in view,
// where QComboBox clips the end off. The popup shows the items in full.
#pragma once

#include <QComboBox>

namespace tb::ui {

class ElidingComboBox final : public QComboBox {
  Q_OBJECT

 public:
  explicit ElidingComboBox(QWidget* parent = nullptr);

  // The text the closed combo box shows now, elided to its width.
  QString shownText() const;
  // Where the face cuts a label too long for it (the middle unless set).
  void setElideMode(Qt::TextElideMode mode) { m_elideMode = mode; update(); }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  Qt::TextElideMode m_elideMode = Qt::ElideMiddle;
};

}  // namespace tb::ui
