# A stock driver (nvme, 4 qemu NVMe controllers) allocating its I/O queues from the default CMA
# area, with tracing switched on only after boot: the controllers were bound and some scripted
# allocations made before the first traced event. The 00-start snapshot is taken right after
# tracing starts, so a replay seeded with --debugfs snapshots/00-start knows those allocations.
# Then the controllers are unbound and rebound with other io_queue_depth values (queue rings of
# depth*64 bytes (SQ) and depth*16 bytes (CQ), DMA-allocated by kworkers in parallel), and the
# early scripted allocations are released.
# capture-mem: 1G
# capture-append: cma=16M
# capture-nvme: 4
# capture-late-modules: nvme
D=/sys/bus/pci/drivers/nvme
ctrls() { ls $D | grep '^0000:'; }
wait_live() {
    for c in $(ctrls); do
        i=0
        while [ $i -lt 300 ]; do
            s=$(cat $D/$c/nvme/nvme*/state 2>/dev/null)
            [ "$s" = live ] && break
            sleep 0.1; i=$((i + 1))
        done
    done
    sleep 0.5
}
# Bind the controllers one after the other: probed in parallel under TCG, one of them
# sometimes loses its admin-queue interrupts (60 s timeouts).
echo 0 > /sys/bus/pci/drivers_autoprobe
for m in $(cat /modules-late.list); do insmod /modules/$m; done
for dev in /sys/bus/pci/devices/*; do
    [ "$(cat $dev/class)" = 0x010802 ] && echo ${dev##*/} > $D/bind
done
echo 1 > /sys/bus/pci/drivers_autoprobe
wait_live
ALL=$(ctrls)
echo "controllers: $ALL"
# before tracing: scripted allocations the trace will not see
i=0
for spec in "64 6" "100 0" "512 9" "8 3" "1000 2" "33 0" "256 8"; do
    set -- $spec
    cma alloc reserved $1 $2 pre$i; echo "$LAST"
    i=$((i + 1))
done
cma dma dpre 40000; echo "$LAST"
cma free pre1
trace_on
checkpoint start
round=0
for depth in 256 2048 64 1024 512 2048 128; do
    round=$((round + 1))
    n=0
    for c in $ALL; do
        n=$((n + 1))
        [ $(( (n + round) % 2 )) -eq 0 ] || continue
        mark "nvme unbind $c"
        echo $c > $D/unbind
    done
    echo $depth > /sys/module/nvme/parameters/io_queue_depth
    for c in $ALL; do
        [ -e $D/$c ] && continue
        mark "nvme bind $c depth $depth"
        echo $c > $D/bind
    done
    wait_live
    rnd 4000; cma alloc reserved $((R / 4 + 1)) $((R % 7)) f$round; echo "$LAST"
    cma dma d$round $((round * 20000)); echo "$LAST"
    case $round in
        2) cma free pre0; cma free pre3 ;;
        4) cma free pre2; cma free pre4; cma freepart pre5 10 ;;
        6) cma free pre6; cma free dpre ;;
    esac
    [ $((round % 2)) -eq 1 ] && checkpoint round-$round
done
for c in $ALL; do mark "nvme unbind $c"; echo $c > $D/unbind; done
checkpoint unbound
cma freeall
checkpoint end
