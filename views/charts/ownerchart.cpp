// SPDX-License-Identifier: GPL-2.0-or-later
#include "charts/ownerchart.h"

#include "common/textformat.h"

#include <QCursor>
#include <QToolTip>
#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSet>
#include <QtCharts/QHorizontalBarSeries>
#include <QtCharts/QLegend>
#include <QtCharts/QValueAxis>

#include <algorithm>

namespace cmascope::views {

OwnerChart::OwnerChart()
{
    m_bars = new QHorizontalBarSeries;
    m_set = new QBarSet(tr("in use"));
    m_bars->append(m_set);
    m_bars->setLabelsVisible(true);
    m_bars->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
    m_bars->setLabelsFormat(QStringLiteral("@value MiB"));
    m_bars->setLabelsPrecision(3);
    addSeries(m_bars);
    m_ownerAxis = new QBarCategoryAxis;
    m_sizeAxis = newValueAxis(tr("MiB"), QStringLiteral("%.4g"));
    addAxis(m_ownerAxis, Qt::AlignLeft);
    addAxis(m_sizeAxis, Qt::AlignBottom);
    m_bars->attachAxis(m_ownerAxis);
    m_bars->attachAxis(m_sizeAxis);
    legend()->hide();
    connect(m_set, &QBarSet::hovered, this, [this](bool status, int index) { showHover(status, index); });
}

void OwnerChart::showHover(bool status, int index) const
{
    if (!status || index < 0 || std::size_t(index) >= m_shown.size()) {
        QToolTip::hideText();
        return;
    }
    const OwnerUsage& u = m_shown[std::size_t(index)];
    QToolTip::showText(QCursor::pos(),
        tr("%1: %2 in %3 chunks")
            .arg(m_ownerAxis->at(index), approxSizeString(m_set->at(index) * double(MiB)))
            .arg(u.chunks));
}

void OwnerChart::setOwners(
    std::vector<OwnerUsage> owners, ChartsPanel::Grouping grouping, double pageBytes, double regionMiB)
{
    m_shown = std::move(owners);
    std::reverse(m_shown.begin(), m_shown.end()); // horizontal bars go bottom to top
    QStringList categories;
    QList<qreal> values;
    for (const OwnerUsage& o : m_shown) {
        QString name = QString::fromStdString(o.name);
        if (name.isEmpty())
            name = grouping == ChartsPanel::Grouping::ByKind ? tr("(no kind)") : tr("(no device)");
        categories << name;
        values << qreal(o.pages) * pageBytes / qreal(MiB);
    }
    m_set->remove(0, m_set->count());
    m_ownerAxis->clear();
    m_ownerAxis->append(categories);
    m_set->append(values);
    m_bars->setBarWidth(std::min(0.7, 0.25 * double(std::max<qsizetype>(values.size(), 1)))); // no slabs
    m_sizeAxis->setRange(0, regionMiB > 0 ? regionMiB : 1.0);
    m_sizeAxis->setTickCount(5);
}

void OwnerChart::showTitle(const QString& region, ChartsPanel::Grouping grouping, const QString& at)
{
    setTitle(tr("Region %1: in use by %2 %3")
                 .arg(region, grouping == ChartsPanel::Grouping::ByKind ? tr("kind") : tr("device"), at));
}

QStringList OwnerChart::categories() const
{
    QStringList c = m_ownerAxis->categories();
    std::reverse(c.begin(), c.end());
    return c;
}

QList<qreal> OwnerChart::values() const
{
    QList<qreal> v;
    for (int i = m_set->count(); i-- > 0;)
        v << m_set->at(i);
    return v;
}

void OwnerChart::applySeriesColours(const ChartColours& colours)
{
    m_set->setColor(colours.usage);
    m_set->setBorderColor(colours.usage.darker(130));
    m_set->setLabelColor(colours.text);
}

} // namespace cmascope::views
