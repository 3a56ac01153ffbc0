# A multi-range hugetlb_cma area on Debian unstable's 7.2 kernel (6.15+ struct cma_memrange).
# 7 GiB of RAM with small no-map holes (hugetlb-multirange.dts) in the 1 GiB blocks at 2, 3, 5
# and 7 GiB: hugetlb_cma=2G cannot be one aligned 2 GiB range, so the kernel makes area
# hugetlb0 of two 1 GiB ranges above 4 GiB ("Reserved 2048 MiB in 2 ranges"). The default area
# `reserved` (cma=16M) sits beside it. hugetlb_cma_only=1: gigantic pages come from CMA or not
# at all (no silent fallback to the buddy allocator, which would leave no CMA event).
# Scripted cma_alloc/cma_release on both areas, 32 MiB gigantic pages (count 8192 align 13) and
# 1 GiB pages (262144 align 18) through nr_hugepages: a 1 GiB page goes to whichever range is
# still empty, a request larger than what is left fails at once (available_count), and after
# frees the other range takes one. Ranges and counters are printed to workload.log.
# capture-kernel: sid
# capture-mem: 7G
# capture-append: cma=16M hugetlb_cma=2G hugetlb_cma_only=1 trace_event=cma:* trace_buf_size=8M
# capture-dt: hugetlb-multirange.dts
H=/sys/kernel/mm/hugepages
hp() { echo "$2" > $H/hugepages-$1/nr_hugepages; echo "hugepages-$1 -> $(cat $H/hugepages-$1/nr_hugepages)"; }
ranges() {
    for a in $C/areas/*; do
        for r in $a/ranges/*; do
            echo "${a##*/} range ${r##*/}: base_pfn $(cat $r/base_pfn) count $(cat $r/count)"
        done
        echo "${a##*/}: used $(cat $a/used) maxchunk $(cat $a/maxchunk)"
    done
}

ranges
checkpoint boot
# order_per_bit 9: every request takes whole 512-page bits
i=0
for spec in "1 0" "512 9" "1000 0" "8192 13" "3000 9" "1 12" "700 4"; do
    set -- $spec
    cma alloc hugetlb0 $1 $2 h$i; echo "$LAST"
    i=$((i + 1))
done
for spec in "1 0" "100 4" "511 8" "1024 10" "33 5"; do
    set -- $spec
    cma alloc reserved $1 $2 r$i; echo "$LAST"
    i=$((i + 1))
done
ranges
checkpoint scripted
cma free h1; cma free h4; cma free r8
cma alloc hugetlb0 50 0 h20; echo "$LAST"
checkpoint holes
hp 32768kB 4
ranges
checkpoint hp32m-4
# one range still holds small allocations; a 1 GiB page needs a whole empty range
hp 1048576kB 1
ranges
checkpoint hp1g-1
# more than available_count: refused before any search
cma alloc hugetlb0 262144 18 big; echo "$LAST"
hp 1048576kB 2
ranges
checkpoint refused
hp 32768kB 0
cma freeall
ranges
checkpoint freed
# now the other range is empty too
hp 1048576kB 2
ranges
checkpoint hp1g-2
hp 1048576kB 0
checkpoint end
