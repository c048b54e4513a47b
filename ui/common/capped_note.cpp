#include "common/capped_note.h"

#include "common/qt_convert.h"

#include <QEvent>
#include <QFontMetrics>
#include <QResizeEvent>
#include <QShowEvent>

#include <algorithm>

namespace tb::ui {

CappedNote::CappedNote(int maxLines, QWidget* parent) : QLabel(parent), m_maxLines(maxLines) {
  setWordWrap(true);
  setTextFormat(Qt::PlainText);  // names from result files are not markup
}

void CappedNote::setNote(const QString& text) {
  m_note = text;
  m_fittedWidth = -1;
  fit();
}

void CappedNote::resizeEvent(QResizeEvent* event) {
  QLabel::resizeEvent(event);
  if (event->size().width() != m_fittedWidth) fit();
}

void CappedNote::showEvent(QShowEvent* event) {
  QLabel::showEvent(event);
  if (contentsRect().width() != m_fittedWidth) fit();
}

void CappedNote::changeEvent(QEvent* event) {
  QLabel::changeEvent(event);
  if (event->type() == QEvent::FontChange) {
    m_fittedWidth = -1;
    fit();
  }
}

void CappedNote::fit() {
  const int width = contentsRect().width();
  // Not laid out yet (hidden, or a fresh widget's default size): cut once it has its width.
  if (!isVisible() || width <= 0) {
    setText(m_note);
    setToolTip(QString());
    setMinimumHeight(0);
    return;
  }
  m_fittedWidth = width;
  const QFontMetrics metrics(font());
  const int limit = m_maxLines * metrics.lineSpacing();
  const auto heightOf = [&](const QString& text) {
    return metrics.boundingRect(QRect(0, 0, width, 1 << 20), Qt::TextWordWrap, text).height();
  };
  if (heightOf(m_note) <= limit) {
    setText(m_note);
    setToolTip(QString());
    holdShownHeight();
    return;
  }
  const QString more = tr("\u2026 (hover for the whole note)");
  // The longest start that fits with the mark: heights grow with the characters kept.
  qsizetype fits = 0;
  qsizetype tooMany = m_note.size();
  while (tooMany - fits > 1) {
    const qsizetype middle = (fits + tooMany) / 2;
    (heightOf(m_note.left(middle) + more) <= limit ? fits : tooMany) = middle;
  }
  setText(m_note.left(fits).trimmed() + more);
  setToolTip(plainToolTip(m_note));
  holdShownHeight();
}

// A word-wrapped label's minimum height is reckoned at a width of Qt's choosing: three lines at
// this width counted as two, and in a scrolled area the table under the note lay a line past
// its end, out of reach.
void CappedNote::holdShownHeight() { setMinimumHeight(std::max(0, heightForWidth(width()))); }

}  // namespace tb::ui
