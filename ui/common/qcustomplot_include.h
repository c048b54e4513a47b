// Includes QCustomPlot in a build with QT_NO_KEYWORDS: its header still says `signals:` and
// `foreach`, so both are mapped to their Q_ forms while it is read.
#pragma once

#ifdef QT_NO_KEYWORDS
#define signals Q_SIGNALS
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef foreach
#undef signals
#else
#include <qcustomplot.h>
#endif
