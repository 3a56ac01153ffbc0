# Busy retries with what a user reads when an allocation fails, on Debian unstable's 7.2 kernel: one
# area (`reserved`, cma=64M), a tmpfs fill that lends it to shmem pages, the module pinning the
# first LRU page of each 512-page window; every checkpoint also keeps /proc/vmstat and
# /proc/pagetypeinfo (guest/lib.sh) beside the /sys/kernel/mm/cma counters, so their CMA lines can be
# checked against the replay (docs/evidence-imports.md). Debian's kernel has no CONFIG_PAGE_OWNER:
# no page_owner dump.
# capture-kernel: sid
# capture-mem: 512M
# capture-append: cma=64M trace_event=cma:* trace_buf_size=8M
cmafree() { sed -n 's/^CmaFree: *//p' /proc/meminfo; }
for a in $C/areas/*; do echo "${a##*/}: base_pfn $(cat $a/base_pfn) count $(cat $a/count)"; done
checkpoint boot
mkdir -p /fill
mount -t tmpfs -o size=400m fill /fill
dd if=/dev/zero of=/fill/a bs=1M count=200 2>/dev/null
dd if=/dev/zero of=/fill/b bs=1M count=150 2>/dev/null
echo "after fill: CmaFree $(cmafree) MemFree $(sed -n 's/^MemFree: *//p' /proc/meminfo)"
checkpoint filled
cma pin reserved 512 32; echo "$LAST"
echo "pinned pages: $(wc -l < $C/pinned)"
checkpoint pinned
k=0
while [ $k -lt 40 ]; do
    cma alloc reserved 512 9 s$k; echo "$LAST"
    case $LAST in failed*) break ;; esac
    k=$((k + 1))
done
cma alloc reserved 1024 10 big0; echo "$LAST"
cma alloc reserved 64 6 p0; echo "$LAST"
checkpoint busy
cma unpin; echo "$LAST"
cma alloc reserved 1024 10 big1; echo "$LAST"
checkpoint unpinned
rm /fill/a /fill/b
cma freeall
checkpoint end
