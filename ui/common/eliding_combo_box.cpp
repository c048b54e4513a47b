// ElidingComboBox (eliding_combo_box.h).
#include "common/eliding_combo_box.h"

#include <QStyleOptionComboBox>
#include <QStylePainter>

namespace tb::ui {

ElidingComboBox::ElidingComboBox(QWidget* parent) : QComboBox(parent) {}

QString ElidingComboBox::shownText() const {
  QStyleOptionComboBox option;
  initStyleOption(&option);
  const QRect field = style()->subControlRect(QStyle::CC_ComboBox, &option,
                                              QStyle::SC_ComboBoxEditField, this);
  const int iconRoom = option.currentIcon.isNull() ? 0 : option.iconSize.width() + 4;
  // The style draws the label a pixel in from each side of the field.
  return fontMetrics().elidedText(option.currentText, m_elideMode, field.width() - iconRoom - 2);
}

void ElidingComboBox::paintEvent(QPaintEvent*) {
  // QComboBox::paintEvent, with the label elided.
  QStylePainter painter(this);
  painter.setPen(palette().color(QPalette::Text));
  QStyleOptionComboBox option;
  initStyleOption(&option);
  painter.drawComplexControl(QStyle::CC_ComboBox, option);
  option.currentText = shownText();
  painter.drawControl(QStyle::CE_ComboBoxLabel, option);
}

}  // namespace tb::ui
