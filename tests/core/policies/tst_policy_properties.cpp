// SPDX-License-Identifier: GPL-2.0-or-later
// Randomised properties of every allocation policy, checked against an independent page-occupancy map.
#include <cmascope/policies/buddy.h>
#include <cmascope/policies/holelist.h>
#include <cmascope/policies/kernelbitmap.h>
#include <cmascope/policies/policy.h>
#include <cmascope/policies/tlsf.h>

#include <QTest>

#include <algorithm>
#include <bit>
#include <cmath>
#include <random>

using namespace cmascope;

Q_DECLARE_METATYPE(cmascope::PolicyKind)

namespace {

constexpr std::uint64_t kNone = ~std::uint64_t { 0 };

/// Pinned pages drawn at random; a window is busy if it holds one.
class RandomPins : public BusyOracle
{
public:
    RandomPins(std::uint64_t pages, double density, std::mt19937_64& rng)
        : m_pinned(pages, 0)
    {
        std::bernoulli_distribution pin(density);
        for (auto& p : m_pinned)
            p = pin(rng) ? 1 : 0;
    }
    bool isBusy(std::uint64_t offset, std::uint64_t pages) const override
    {
        const std::uint64_t end = std::min<std::uint64_t>(offset + pages, m_pinned.size());
        for (std::uint64_t i = offset; i < end; ++i) {
            if (m_pinned[i])
                return true;
        }
        return false;
    }

private:
    std::vector<char> m_pinned;
};

struct Live
{
    std::uint64_t offset;
    std::uint64_t requested; ///< what release() is called with
    std::uint64_t reserved; ///< pages marked in the occupancy map
};

/// The independent model: which pages are in use, nothing else.
struct Occupancy
{
    std::vector<char> used;
    std::uint64_t basePfn = 0;

    std::uint64_t pages() const { return used.size(); }
    std::uint64_t freeCount() const { return static_cast<std::uint64_t>(std::count(used.begin(), used.end(), 0)); }
    bool isFree(std::uint64_t start, std::uint64_t n) const
    {
        if (start + n > pages())
            return false;
        return std::none_of(used.begin() + static_cast<std::ptrdiff_t>(start),
            used.begin() + static_cast<std::ptrdiff_t>(start + n), [](char c) { return c != 0; });
    }
    void mark(std::uint64_t start, std::uint64_t n, char v)
    {
        std::fill(used.begin() + static_cast<std::ptrdiff_t>(start),
            used.begin() + static_cast<std::ptrdiff_t>(start + n), v);
    }
    bool absAligned(std::uint64_t offset, unsigned order) const
    {
        return ((basePfn + offset) & ((std::uint64_t { 1 } << order) - 1)) == 0;
    }
    /// Lowest offset, a multiple of @p grid, absolutely aligned to 2^order, with [c, c + n) free and
    /// not busy. kNone if none. Brute force.
    std::uint64_t lowestWindow(std::uint64_t n, unsigned order, std::uint64_t grid = 1,
        const BusyOracle* busy = nullptr, std::uint64_t busyLen = 0) const
    {
        for (std::uint64_t c = 0; c + n <= pages(); c += grid) {
            if (absAligned(c, order) && isFree(c, n) && (busy == nullptr || !busy->isBusy(c, busyLen)))
                return c;
        }
        return kNone;
    }
    /// Maximal free runs as (start, size).
    std::vector<std::pair<std::uint64_t, std::uint64_t>> runs() const
    {
        std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
        for (std::uint64_t i = 0; i < pages();) {
            if (used[i]) {
                ++i;
                continue;
            }
            std::uint64_t j = i;
            while (j < pages() && !used[j])
                ++j;
            out.emplace_back(i, j - i);
            i = j;
        }
        return out;
    }
    bool runFits(std::pair<std::uint64_t, std::uint64_t> run, std::uint64_t n, unsigned order) const
    {
        const std::uint64_t a = std::uint64_t { 1 } << order;
        const std::uint64_t abs = basePfn + run.first;
        const std::uint64_t s = ((abs + a - 1) & ~(a - 1)) - basePfn;
        return s < run.first + run.second && run.first + run.second - s >= n;
    }
};

/// TLSF good-fit threshold, computed independently: the request plus alignment slack, rounded up to
/// a multiple of 2^(floor(log2 size) - SLI) once it reaches 2^SLI.
std::uint64_t tlsfThreshold(std::uint64_t need, unsigned sli)
{
    if (need < (std::uint64_t { 1 } << sli))
        return need;
    const unsigned k = static_cast<unsigned>(std::bit_width(need)) - 1 - sli;
    const std::uint64_t step = std::uint64_t { 1 } << k;
    return (need + step - 1) / step * step;
}

unsigned buddyOrder(std::uint64_t n)
{
    unsigned o = 0;
    while ((std::uint64_t { 1 } << o) < n)
        ++o;
    return o;
}

struct Harness
{
    PolicyKind kind;
    PolicyParams params;
    RegionGeometry geo;
    std::unique_ptr<AllocationPolicy> policy;
    Occupancy occ;
    std::vector<Live> live;
    std::uint64_t liveRequested = 0; // the kernel's available_count model
    int placed = 0; // coverage: the run must exercise both outcomes
    int refusedForSpace = 0;

    Harness(PolicyKind k, const PolicyParams& p, RegionGeometry g)
        : kind(k)
        , params(p)
        , geo(g)
        , policy(makePolicy(k, p))
    {
        occ.used.assign(g.pages, 0);
        occ.basePfn = g.basePfn;
    }

    std::uint64_t unit() const { return kind == PolicyKind::Kernel ? std::uint64_t { 1 } << params.orderPerBit : 1; }
    bool partialFrees() const
    {
        return kind != PolicyKind::Buddy && (kind != PolicyKind::Kernel || params.orderPerBit == 0);
    }

    /// Checks the model against the policy's own accounting.
    void checkAccounting() const
    {
        const std::uint64_t freeCount = occ.freeCount();
        if (auto* k = dynamic_cast<const KernelBitmapPolicy*>(policy.get())) {
            QCOMPARE(k->availableCount(), geo.pages - liveRequested);
            QCOMPARE(k->usedBitPages(), geo.pages - freeCount);
        } else if (auto* h = dynamic_cast<const HoleListPolicy*>(policy.get())) {
            QCOMPARE(h->freePages(), freeCount);
            std::uint64_t sum = 0;
            for (const auto& [start, hole] : h->holes()) {
                QVERIFY(occ.isFree(start, hole.size));
                sum += hole.size;
            }
            QCOMPARE(sum, freeCount);
            QCOMPARE(h->holes().size(), occ.runs().size()); // holes are maximal: coalescing is immediate
        } else if (auto* b = dynamic_cast<const BuddyPolicy*>(policy.get())) {
            QCOMPARE(b->freePages(), freeCount);
        }
    }

    /// Allocates and checks the result against the policy's rule. Returns false on a failed check.
    void allocateAndCheck(const PolicyRequest& req, const BusyOracle* busy)
    {
        // What the model says before the call.
        const std::uint64_t freeCount = occ.freeCount();
        const auto runsBefore = occ.runs();
        unsigned order = req.alignOrder;
        if (kind == PolicyKind::Kernel && params.maxAlignOrder)
            order = std::min(order, *params.maxAlignOrder);
        std::uint64_t window = req.pages; // pages the placement occupies
        if (kind == PolicyKind::Kernel)
            window = (req.pages + unit() - 1) / unit() * unit();
        if (kind == PolicyKind::Buddy)
            window = std::uint64_t { 1 } << buddyOrder(std::max<std::uint64_t>(1, req.pages));
        const std::uint64_t busyLen = kind == PolicyKind::Buddy ? window : req.pages;

        const PolicyResult r = policy->allocate(req, busy);

        for (const std::uint64_t b : r.busyOffsets) {
            QVERIFY(busy != nullptr);
            QVERIFY(busy->isBusy(b, busyLen));
        }
        if (r.ok) {
            QCOMPARE(r.refusal, Refusal::None);
            QVERIFY(r.reservedPages >= req.pages);
            QCOMPARE(r.reservedPages, window);
            QVERIFY(r.offset + r.reservedPages <= geo.pages);
            QVERIFY(occ.absAligned(r.offset, order));
            QVERIFY(occ.isFree(r.offset, r.reservedPages)); // no overlap
            if (busy != nullptr)
                QVERIFY(!busy->isBusy(r.offset, busyLen));
            // The placement rule of each policy, by brute force over the model.
            switch (kind) {
            case PolicyKind::Kernel:
            case PolicyKind::FirstFit:
                QCOMPARE(r.offset, occ.lowestWindow(window, order, unit(), busy, busyLen));
                break;
            case PolicyKind::BestFit2010:
            case PolicyKind::WorstFit:
                if (busy == nullptr) {
                    const auto holeIt = std::find_if(runsBefore.begin(), runsBefore.end(),
                        [&](const auto& run) { return run.first <= r.offset && r.offset < run.first + run.second; });
                    QVERIFY(holeIt != runsBefore.end());
                    std::uint64_t best = kind == PolicyKind::WorstFit ? 0 : kNone;
                    for (const auto& run : runsBefore) {
                        if (occ.runFits(run, req.pages, order))
                            best =
                                kind == PolicyKind::WorstFit ? std::max(best, run.second) : std::min(best, run.second);
                    }
                    QCOMPARE(holeIt->second, best);
                }
                break;
            case PolicyKind::Buddy:
                QCOMPARE(r.offset % window, std::uint64_t { 0 }); // naturally aligned to the region start
                break;
            case PolicyKind::Tlsf:
                if (busy == nullptr) {
                    const auto holeIt = std::find_if(runsBefore.begin(), runsBefore.end(),
                        [&](const auto& run) { return run.first <= r.offset && r.offset < run.first + run.second; });
                    QVERIFY(holeIt != runsBefore.end());
                    QVERIFY(holeIt->second
                        >= tlsfThreshold(req.pages + (std::uint64_t { 1 } << order) - 1, params.tlsfSecondLevelLog2));
                }
                break;
            case PolicyKind::NextFit:
                break;
            }
            occ.mark(r.offset, r.reservedPages, 1);
            ++placed;
            live.push_back({ r.offset, req.pages, r.reservedPages });
            liveRequested += req.pages;
            return;
        }
        // Refused: the refusal must follow from the model.
        QVERIFY(r.refusal != Refusal::None);
        QCOMPARE(r.refusal == Refusal::ZeroSize, req.pages == 0);
        if (req.pages == 0)
            return;
        QCOMPARE(r.refusal == Refusal::TooLarge, req.pages > geo.pages);
        if (req.pages > geo.pages)
            return;
        QCOMPARE(r.refusal == Refusal::Busy, !r.busyOffsets.empty());
        const std::uint64_t kernelAvailable = geo.pages - liveRequested;
        if (r.refusal == Refusal::NotEnoughFree || r.refusal == Refusal::Fragmented
            || r.refusal == Refusal::Unsupported)
            ++refusedForSpace;
        switch (r.refusal) {
        case Refusal::NotEnoughFree:
            QVERIFY(req.pages > (kind == PolicyKind::Kernel ? kernelAvailable : freeCount));
            break;
        case Refusal::Fragmented:
        case Refusal::Busy:
            QVERIFY(req.pages <= (kind == PolicyKind::Kernel ? kernelAvailable : freeCount));
            switch (kind) {
            case PolicyKind::Kernel:
            case PolicyKind::FirstFit:
            case PolicyKind::NextFit:
            case PolicyKind::BestFit2010:
            case PolicyKind::WorstFit:
                QCOMPARE(occ.lowestWindow(window, order, unit(), busy, busyLen), kNone);
                break;
            case PolicyKind::Buddy: {
                // no free, naturally aligned, absolutely aligned block of the rounded size
                bool any = false;
                for (std::uint64_t c = 0; c + window <= geo.pages && !any; c += window)
                    any = occ.absAligned(c, order) && occ.isFree(c, window)
                        && (busy == nullptr || !busy->isBusy(c, window));
                QVERIFY(!any);
                break;
            }
            case PolicyKind::Tlsf:
                if (busy == nullptr) {
                    std::uint64_t largest = 0;
                    for (const auto& run : runsBefore)
                        largest = std::max(largest, run.second);
                    QVERIFY(largest
                        < tlsfThreshold(req.pages + (std::uint64_t { 1 } << order) - 1, params.tlsfSecondLevelLog2));
                }
                break;
            }
            break;
        case Refusal::Unsupported: {
            QVERIFY(kind == PolicyKind::Buddy);
            const unsigned o = buddyOrder(req.pages);
            const bool tooBig = (std::uint64_t { 1 } << o) > std::bit_floor(geo.pages);
            const bool misaligned = !occ.absAligned(0, std::min(o, unsigned(req.alignOrder)));
            QVERIFY(tooBig || misaligned);
            break;
        }
        default:
            QFAIL("unexpected refusal");
        }
    }

    void releaseAndCheck(std::size_t i)
    {
        const Live l = live[i];
        QVERIFY(policy->release(l.offset, l.requested));
        occ.mark(l.offset, l.reserved, 0);
        liveRequested -= l.requested;
        live[i] = live.back();
        live.pop_back();
    }

    /// Releases the middle of a live allocation (policies with partial frees).
    void partialReleaseAndCheck(std::size_t i, std::mt19937_64& rng)
    {
        const Live l = live[i];
        if (l.requested < 3 || l.requested != l.reserved)
            return;
        const std::uint64_t from = 1 + rng() % (l.requested - 2);
        const std::uint64_t n = 1 + rng() % (l.requested - from - 1);
        QVERIFY(policy->release(l.offset + from, n));
        QVERIFY(!policy->release(l.offset + from, n)); // not allocated any more
        occ.mark(l.offset + from, n, 0);
        liveRequested -= n;
        live[i] = { l.offset, from, from };
        live.push_back({ l.offset + from + n, l.requested - from - n, l.requested - from - n });
    }

    /// Reserves a random free range and checks overlapping reservations are refused.
    void reserveAndCheck(std::mt19937_64& rng)
    {
        const auto runs = occ.runs();
        if (runs.empty())
            return;
        const auto run = runs[rng() % runs.size()];
        const std::uint64_t u = unit();
        const std::uint64_t first = (run.first + u - 1) / u * u;
        if (first + u > run.first + run.second)
            return;
        const std::uint64_t room = (run.first + run.second - first) / u;
        const std::uint64_t n = (1 + rng() % std::min<std::uint64_t>(room, 16)) * u;
        if (!live.empty()) {
            const Live& l = live[rng() % live.size()];
            if (l.offset % u == 0)
                QVERIFY(!policy->reserve(l.offset, u)); // in use
        }
        QVERIFY(policy->reserve(first, n));
        occ.mark(first, n, 1);
        live.push_back({ first, n, n });
        liveRequested += n;
    }
};

PolicyRequest randomRequest(std::mt19937_64& rng, std::uint64_t regionPages)
{
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const double roll = unit(rng);
    if (roll < 0.01)
        return { 0, 0 };
    if (roll < 0.02)
        return { regionPages + 1 + rng() % 8, 0 };
    const double maxLog = std::log(static_cast<double>(std::min<std::uint64_t>(regionPages, 300)));
    const auto pages = static_cast<std::uint64_t>(std::exp(unit(rng) * maxLog));
    const unsigned align = rng() % 10 == 0 ? 8 : static_cast<unsigned>(rng() % 7);
    return { std::max<std::uint64_t>(1, pages), align };
}

} // namespace

class TestPolicyProperties : public QObject
{
    Q_OBJECT

private:
    static void addRows()
    {
        QTest::addColumn<PolicyKind>("kind");
        QTest::addColumn<uint>("opb");
        QTest::addColumn<quint64>("basePfn");
        QTest::addColumn<quint64>("pages");
        QTest::addColumn<quint64>("seed");
        for (const PolicyKind k : allPolicies()) {
            const QByteArray id = QByteArray::fromStdString(std::string(policyId(k)));
            QTest::newRow(QByteArray(id + " aligned").constData())
                << k << 0U << quint64(0x40000) << quint64(2048) << quint64(1);
            QTest::newRow(QByteArray(id + " odd base").constData())
                << k << 0U << quint64(0x40003) << quint64(1000) << quint64(2);
            QTest::newRow(QByteArray(id + " pow2 base 4").constData())
                << k << 0U << quint64(0x40004) << quint64(512) << quint64(3);
            if (k == PolicyKind::Kernel) {
                QTest::newRow("kernel opb 2") << k << 2U << quint64(0x40000) << quint64(2048) << quint64(4);
                QTest::newRow("kernel opb 3 small") << k << 3U << quint64(0x40008) << quint64(200) << quint64(5);
            }
        }
    }

    static Harness makeHarness(PolicyKind kind, unsigned opb, quint64 basePfn, quint64 pages)
    {
        PolicyParams params;
        params.orderPerBit = opb;
        params.maxAlignOrder = (basePfn & 1) != 0 ? std::optional<unsigned>(4) : std::nullopt;
        Harness h(kind, params, RegionGeometry { basePfn, pages });
        if (const auto err = h.policy->reset(h.geo))
            qFatal("reset failed: %s", err->c_str());
        return h;
    }

private Q_SLOTS:
    void randomOperations_data() { addRows(); }

    void randomOperations()
    {
        QFETCH(PolicyKind, kind);
        QFETCH(uint, opb);
        QFETCH(quint64, basePfn);
        QFETCH(quint64, pages);
        QFETCH(quint64, seed);
        Harness h = makeHarness(kind, opb, basePfn, pages);
        std::mt19937_64 rng(seed);
        std::uniform_real_distribution<double> unit(0.0, 1.0);
        for (int step = 0; step < 4000; ++step) {
            const double roll = unit(rng);
            if (roll < 0.55 || h.live.empty()) {
                h.allocateAndCheck(randomRequest(rng, pages), nullptr);
            } else if (roll < 0.57) {
                h.reserveAndCheck(rng);
            } else if (roll < 0.62 && h.partialFrees()) {
                h.partialReleaseAndCheck(rng() % h.live.size(), rng);
            } else {
                h.releaseAndCheck(rng() % h.live.size());
            }
            if (QTest::currentTestFailed())
                return;
            if (step % 50 == 0) {
                h.checkAccounting();
                if (QTest::currentTestFailed())
                    return;
            }
        }
        h.checkAccounting();
        QVERIFY(h.placed > 500);
        QVERIFY(h.refusedForSpace > 20);
        // Freed memory is reusable: after freeing everything the whole region is one free area.
        while (!h.live.empty())
            h.releaseAndCheck(h.live.size() - 1);
        h.checkAccounting();
        QCOMPARE(h.occ.freeCount(), std::uint64_t { pages });
        const PolicyResult whole = h.policy->allocate({ pages, 0 }, nullptr);
        bool expectWhole = true;
        if (kind == PolicyKind::Buddy)
            expectWhole = std::has_single_bit(quint64(pages));
        if (kind == PolicyKind::Tlsf)
            expectWhole = tlsfThreshold(pages, h.params.tlsfSecondLevelLog2) == pages;
        QCOMPARE(whole.ok, expectWhole);
        if (whole.ok)
            QCOMPARE(whole.offset, std::uint64_t { 0 });
    }

    void busyPages_data() { addRows(); }

    void busyPages()
    {
        QFETCH(PolicyKind, kind);
        QFETCH(uint, opb);
        QFETCH(quint64, basePfn);
        QFETCH(quint64, pages);
        QFETCH(quint64, seed);
        Harness h = makeHarness(kind, opb, basePfn, pages);
        std::mt19937_64 rng(seed + 100);
        const RandomPins pins(pages, 0.01, rng);
        std::uniform_real_distribution<double> unit(0.0, 1.0);
        for (int step = 0; step < 1500; ++step) {
            if (unit(rng) < 0.6 || h.live.empty()) {
                const PolicyRequest req = randomRequest(rng, pages);
                h.allocateAndCheck(req, &pins);
            } else {
                h.releaseAndCheck(rng() % h.live.size());
            }
            if (QTest::currentTestFailed())
                return;
        }
        h.checkAccounting();
        // With every window busy each policy must say Busy, not Fragmented.
        class AllBusy : public BusyOracle
        {
        public:
            bool isBusy(std::uint64_t, std::uint64_t) const override { return true; }
        } allBusy;
        while (!h.live.empty())
            h.releaseAndCheck(h.live.size() - 1);
        const PolicyResult r = h.policy->allocate({ 1, 0 }, &allBusy);
        QVERIFY(!r.ok);
        QCOMPARE(r.refusal, Refusal::Busy);
        QVERIFY(!r.busyOffsets.empty());
    }

    void cloneEquivalence_data() { addRows(); }

    void cloneEquivalence()
    {
        QFETCH(PolicyKind, kind);
        QFETCH(uint, opb);
        QFETCH(quint64, basePfn);
        QFETCH(quint64, pages);
        QFETCH(quint64, seed);
        Harness h = makeHarness(kind, opb, basePfn, pages);
        std::mt19937_64 rng(seed + 7);
        std::vector<Live> live;
        for (int step = 0; step < 800; ++step) {
            if (rng() % 100 < 55 || live.empty()) {
                const PolicyRequest req = randomRequest(rng, pages);
                const PolicyResult r = h.policy->allocate(req, nullptr);
                if (r.ok)
                    live.push_back({ r.offset, req.pages, r.reservedPages });
            } else {
                const std::size_t i = rng() % live.size();
                QVERIFY(h.policy->release(live[i].offset, live[i].requested));
                live[i] = live.back();
                live.pop_back();
            }
        }
        auto copy = h.policy->clone();
        QCOMPARE(copy->id(), h.policy->id());
        // The same operations on both must give the same results.
        for (int step = 0; step < 800; ++step) {
            if (rng() % 100 < 55 || live.empty()) {
                const PolicyRequest req = randomRequest(rng, pages);
                const PolicyResult a = h.policy->allocate(req, nullptr);
                const PolicyResult b = copy->allocate(req, nullptr);
                QCOMPARE(a.ok, b.ok);
                QCOMPARE(a.offset, b.offset);
                QCOMPARE(a.reservedPages, b.reservedPages);
                QCOMPARE(a.refusal, b.refusal);
                if (a.ok)
                    live.push_back({ a.offset, req.pages, a.reservedPages });
            } else {
                const std::size_t i = rng() % live.size();
                QVERIFY(h.policy->release(live[i].offset, live[i].requested));
                QVERIFY(copy->release(live[i].offset, live[i].requested));
                live[i] = live.back();
                live.pop_back();
            }
        }
        // Exhausting one copy leaves the original and other copies untouched.
        auto exhausted = h.policy->clone();
        auto witness = h.policy->clone();
        int taken = 0;
        while (exhausted->allocate({ 1, 0 }, nullptr).ok)
            ++taken;
        QCOMPARE(taken > 0, h.policy->allocate({ 1, 0 }, nullptr).ok);
        const PolicyResult a = witness->allocate({ 1, 0 }, nullptr);
        QCOMPARE(a.ok, taken > 0);
        QVERIFY(!exhausted->allocate({ 1, 0 }, nullptr).ok);
    }

    void identifiersRoundTrip()
    {
        QCOMPARE(allPolicies().size(), std::size_t { 7 });
        std::vector<std::string_view> ids;
        for (const PolicyKind k : allPolicies()) {
            QCOMPARE(policyFromId(policyId(k)), std::optional<PolicyKind>(k));
            auto p = makePolicy(k);
            QVERIFY(p != nullptr);
            QCOMPARE(p->id(), policyId(k));
            QVERIFY(!policyDisplayName(k).empty());
            ids.push_back(policyId(k));
        }
        QCOMPARE(ids,
            (std::vector<std::string_view> { "kernel", "bf", "first-fit", "next-fit", "worst-fit", "buddy", "tlsf" }));
        QVERIFY(!policyFromId("best-fit").has_value());
        QCOMPARE(refusalName(Refusal::NotEnoughFree), std::string_view("not-enough-free"));
        QCOMPARE(refusalName(Refusal::Fragmented), std::string_view("fragmented"));
    }
};

QTEST_GUILESS_MAIN(TestPolicyProperties)
#include "tst_policy_properties.moc"
