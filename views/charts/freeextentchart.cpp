// SPDX-License-Identifier: GPL-2.0-or-later
#include "charts/freeextentchart.h"

#include "common/textformat.h"

#include <QCursor>
#include <QToolTip>
#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSeries>
#include <QtCharts/QBarSet>
#include <QtCharts/QLegend>
#include <QtCharts/QValueAxis>

#include <algorithm>

namespace cmascope::views {

FreeExtentChart::FreeExtentChart()
{
    m_bars = new QBarSeries;
    m_set = new QBarSet(tr("free extents"));
    m_bars->append(m_set);
    m_bars->setBarWidth(0.8);
    addSeries(m_bars);
    m_sizeAxis = new QBarCategoryAxis;
    m_sizeAxis->setTitleText(tr("extent size (log2 buckets, from)"));
    m_countAxis = newValueAxis(tr("extents"), QStringLiteral("%d"));
    addAxis(m_sizeAxis, Qt::AlignBottom);
    addAxis(m_countAxis, Qt::AlignLeft);
    m_bars->attachAxis(m_sizeAxis);
    m_bars->attachAxis(m_countAxis);
    legend()->hide();
    connect(m_set, &QBarSet::hovered, this, [this](bool status, int index) { showHover(status, index); });
}

void FreeExtentChart::showHover(bool status, int index) const
{
    if (!status || index < 0 || std::size_t(index) >= m_buckets.size()) {
        QToolTip::hideText();
        return;
    }
    const RunSizeBucket& b = m_buckets[std::size_t(index)];
    const double ps = m_pageBytes;
    QToolTip::showText(QCursor::pos(),
        tr("%1 free extents of %2 – %3 pages (%4 – %5), %6 free in all")
            .arg(b.runs)
            .arg(b.minPages)
            .arg(b.maxPages)
            .arg(approxSizeString(double(b.minPages) * ps), approxSizeString(double(b.maxPages) * ps),
                approxSizeString(double(b.pages) * ps)));
}

void FreeExtentChart::setBuckets(std::vector<RunSizeBucket> buckets, double pageBytes)
{
    m_buckets = std::move(buckets);
    m_pageBytes = pageBytes;
    QStringList categories;
    QList<qreal> values;
    double top = 0;
    for (const RunSizeBucket& b : m_buckets) {
        categories << approxSizeString(double(b.minPages) * pageBytes);
        values << qreal(b.runs);
        top = std::max(top, double(b.runs));
    }
    if (categories != m_sizeAxis->categories()) {
        m_sizeAxis->clear();
        m_sizeAxis->append(categories);
    }
    m_set->remove(0, m_set->count());
    m_set->append(values);
    const double hi = std::max(niceCeil(top), 1.0);
    setAnchoredTicks(m_countAxis, 0, hi, std::max(1.0, niceCeil(hi / 5.0)));
}

void FreeExtentChart::showTitle(const QString& region, const QString& at)
{
    setTitle(tr("Region %1: free extents %2").arg(region, at));
}

QStringList FreeExtentChart::categories() const
{
    return m_sizeAxis->categories();
}

QList<qreal> FreeExtentChart::values() const
{
    QList<qreal> v;
    for (int i = 0; i < m_set->count(); ++i)
        v << m_set->at(i);
    return v;
}

void FreeExtentChart::applySeriesColours(const ChartColours& colours)
{
    m_set->setColor(colours.bars);
    m_set->setBorderColor(colours.bars.darker(130));
}

} // namespace cmascope::views
