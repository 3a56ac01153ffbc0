# Two areas with different order_per_bit: the default area `reserved` (cma=16M, one bit per page)
# and `hugetlb0` (hugetlb_cma=1G, order_per_bit = HUGETLB_PAGE_ORDER = 9: one bit per 512 pages).
# Scripted cma_alloc/cma_release on both (sizes that are not multiples of 512, alignment orders
# below, at and above 9), gigantic hugepages (32 MiB: count 8192 align 13; 1 GiB: count 262144
# align 18) raised and lowered through nr_hugepages, and a 1 GiB page demoted to 32 MiB pages
# that are then freed one by one.
# capture-mem: 3G
# capture-append: cma=16M hugetlb_cma=1G trace_event=cma:* trace_buf_size=8M
H=/sys/kernel/mm/hugepages
hp() { echo "$2" > $H/hugepages-$1/nr_hugepages; echo "hugepages-$1 -> $(cat $H/hugepages-$1/nr_hugepages)"; }

checkpoint boot
# order_per_bit 9: every request takes whole 512-page bits; align <= 9 adds no constraint
i=0
for spec in "1 0" "100 0" "511 3" "512 9" "513 0" "1024 10" "700 4" "2048 11" "3000 9" "8192 13" "1 12"; do
    set -- $spec
    cma alloc hugetlb0 $1 $2 h$i; echo "$LAST"
    i=$((i + 1))
done
for spec in "1 0" "100 4" "511 8" "512 9" "600 2" "1024 10" "33 5"; do
    set -- $spec
    cma alloc reserved $1 $2 r$i; echo "$LAST"
    i=$((i + 1))
done
checkpoint scripted
cma free h1; cma free h4; cma free h6; cma free r12; cma free r13
cma alloc hugetlb0 50 0 h20; echo "$LAST"
cma alloc hugetlb0 1500 0 h21; echo "$LAST"
checkpoint holes
hp 32768kB 4
checkpoint hp32m-4
hp 32768kB 2
hp 32768kB 6
checkpoint hp32m-6
# a 1 GiB page cannot fit while anything is in the area
hp 1048576kB 1
checkpoint hp1g-refused
hp 32768kB 0
cma freeall
checkpoint empty
# the whole area as one 1 GiB page, demoted to 32 MiB pages, which are then freed
hp 1048576kB 1
checkpoint hp1g
if [ -e $H/hugepages-1048576kB/demote ]; then
    echo "demote_size $(cat $H/hugepages-1048576kB/demote_size)"
    echo 1 > $H/hugepages-1048576kB/demote || echo "demote failed"
    echo "after demote: 1G $(cat $H/hugepages-1048576kB/nr_hugepages) 32M $(cat $H/hugepages-32768kB/nr_hugepages)"
fi
checkpoint demoted
hp 32768kB 20
checkpoint hp32m-20
cma alloc hugetlb0 300 0 h30; echo "$LAST"
cma alloc hugetlb0 9000 13 h31; echo "$LAST"
hp 32768kB 0
hp 1048576kB 0
checkpoint released
cma freeall
checkpoint end
