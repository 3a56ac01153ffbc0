# Memory pressure with busy retries. A large default area (cma=192M of 512 MiB) is lent to
# movable allocations: user space fills a tmpfs so that page-cache (shmem) pages land inside
# the area. The module then holds an extra reference on the first LRU page of each 1024-page
# window (a "pinned" movable page): alloc_contig_range() cannot migrate it, cma_alloc() gets
# -EBUSY, emits cma_alloc_busy_retry and tries the next aligned window. Allocations of 1024
# pages take the free windows, then fail after retrying every pinned window; smaller ones
# succeed between the pins after a retry or two.
# After unpinning, the same requests succeed (the shmem pages are migrated away).
# capture-mem: 512M
# capture-append: cma=192M trace_event=cma:* trace_buf_size=8M
cmafree() { sed -n 's/^CmaFree: *//p' /proc/meminfo; }
checkpoint boot
mkdir -p /fill
mount -t tmpfs -o size=400m fill /fill
echo "before fill: CmaFree $(cmafree) MemFree $(sed -n 's/^MemFree: *//p' /proc/meminfo)"
dd if=/dev/zero of=/fill/a bs=1M count=200 2>/dev/null
dd if=/dev/zero of=/fill/b bs=1M count=150 2>/dev/null
echo "after fill: CmaFree $(cmafree) MemFree $(sed -n 's/^MemFree: *//p' /proc/meminfo)"
cma alloc reserved 256 8 early0; echo "$LAST"
checkpoint filled
cma pin reserved 512 128; echo "$LAST"
echo "pinned pages: $(wc -l < /sys/kernel/debug/cmascope/pinned)"
tr "\n" " " < /sys/kernel/debug/cmascope/pinned; echo
checkpoint pinned
# 512-page requests take the free windows without pins first, then retry over every pinned one
k=0
while [ $k -lt 40 ]; do
    cma alloc reserved 512 9 s$k; echo "$LAST"
    case $LAST in failed*) break ;; esac
    k=$((k + 1))
done
cma alloc reserved 1024 10 big0; echo "$LAST"
cma alloc reserved 2048 11 big1; echo "$LAST"
i=0
for spec in "512 9" "300 8" "64 6" "64 6" "128 7" "200 0" "16 4" "600 6"; do
    set -- $spec
    cma alloc reserved $1 $2 p$i; echo "$LAST"
    i=$((i + 1))
done
checkpoint busy
rm /fill/b
cma free p2; cma free p4
cma alloc reserved 200 4 p20; echo "$LAST"
cma alloc reserved 1024 10 big2; echo "$LAST"
checkpoint after-partial-drop
cma unpin; echo "$LAST"
cma alloc reserved 1024 10 big3; echo "$LAST"
cma alloc reserved 2048 11 big4; echo "$LAST"
cma alloc reserved 4096 12 big5; echo "$LAST"
checkpoint unpinned
rm /fill/a
cma freeall
checkpoint end
