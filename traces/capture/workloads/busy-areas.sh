# Several areas under memory pressure with busy retries, on Debian unstable's 7.2 kernel.
# Three areas: the default `reserved` (cma=128M) and two device-tree pools (busy-areas.dts),
# camera@5c000000 (16 MiB, fixed) and video (8 MiB, placed by the kernel). User space fills a
# tmpfs so that shmem pages borrow the areas; the module holds an extra reference on the first
# LRU page of each 512-page window of `reserved` and of each 256-page window of the camera pool:
# alloc_contig_range() cannot migrate those, cma_alloc() gets -EBUSY, emits
# cma_alloc_busy_retry and tries the next window. Requests expected to fail use align >= 6 (a
# small alignment moves the window by a few pages per retry). Then a partial drop, unpinning,
# and the same requests succeed.
# capture-kernel: sid
# capture-mem: 512M
# capture-append: cma=128M trace_event=cma:* trace_buf_size=8M
# capture-dt: busy-areas.dts
cmafree() { sed -n 's/^CmaFree: *//p' /proc/meminfo; }
for a in $C/areas/*; do echo "${a##*/}: base_pfn $(cat $a/base_pfn) count $(cat $a/count)"; done
checkpoint boot
cma alloc video 1024 10 v0; echo "$LAST"
cma alloc camera@5c000000 256 8 c0; echo "$LAST"
mkdir -p /fill
mount -t tmpfs -o size=400m fill /fill
echo "before fill: CmaFree $(cmafree) MemFree $(sed -n 's/^MemFree: *//p' /proc/meminfo)"
dd if=/dev/zero of=/fill/a bs=1M count=180 2>/dev/null
dd if=/dev/zero of=/fill/b bs=1M count=140 2>/dev/null
echo "after fill: CmaFree $(cmafree) MemFree $(sed -n 's/^MemFree: *//p' /proc/meminfo)"
checkpoint filled
cma pin reserved 512 96; echo "$LAST"
cma pin camera@5c000000 256 32; echo "$LAST"
echo "pinned pages: $(wc -l < $C/pinned)"
tr "\n" " " < $C/pinned; echo
checkpoint pinned
# 512-page requests take the windows without pins first, then retry over every pinned one
k=0
while [ $k -lt 40 ]; do
    cma alloc reserved 512 9 s$k; echo "$LAST"
    case $LAST in failed*) break ;; esac
    k=$((k + 1))
done
cma alloc reserved 1024 10 big0; echo "$LAST"
i=0
for spec in "300 8" "64 6" "128 7" "16 4"; do
    set -- $spec
    cma alloc reserved $1 $2 p$i; echo "$LAST"
    i=$((i + 1))
done
k=0
while [ $k -lt 20 ]; do
    cma alloc camera@5c000000 256 8 cam$k; echo "$LAST"
    case $LAST in failed*) break ;; esac
    k=$((k + 1))
done
cma alloc camera@5c000000 64 6 cs0; echo "$LAST"
cma alloc video 512 9 v1; echo "$LAST"
cma alloc video 1024 10 v2; echo "$LAST"
checkpoint busy
rm /fill/b
cma free p1; cma free cs0
cma alloc reserved 200 4 p20; echo "$LAST"
cma alloc reserved 1024 10 big2; echo "$LAST"
checkpoint after-partial-drop
cma unpin; echo "$LAST"
cma alloc reserved 1024 10 big3; echo "$LAST"
cma alloc reserved 2048 11 big4; echo "$LAST"
cma alloc camera@5c000000 1024 10 cbig; echo "$LAST"
checkpoint unpinned
rm /fill/a
cma freeall
checkpoint end
