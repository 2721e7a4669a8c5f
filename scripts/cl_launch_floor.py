#!/usr/bin/env python3
"""Measures what one kernel launch costs on the machine's first OpenCL GPU, apart from
its work: back-to-back launches of an empty kernel, and of a kernel that streams S MB
(16-byte loads, grid-stride), in one in-order queue, timed by the host around a batch
and by profiling events; fits time = fixed + bytes / rate. Prints CL_DEVICE_EXTENSIONS
and, where the device has cl_khr_command_buffer, times the same launches recorded once
into a command buffer and replayed. The fixed cost bounds what a decode step of D
dispatches can reach: D x fixed of its time moves no weights.

    usage: cl_launch_floor.py [LAUNCHES [MAX_MB]]

Uses only ctypes and libOpenCL.so.1 (the ICD loader), through cl_ctypes.py; no Python OpenCL package.
"""
import ctypes as C
import sys
import time

from cl_ctypes import Device, check, CL_DEVICE_EXTENSIONS, CL_DEVICE_NAME

SOURCE = b"""
__kernel void empty(__global uint* out) { }
__kernel void stream(__global const uint4* restrict w, __global uint* restrict out, uint n) {
    uint4 acc = (uint4)(0u);
    const uint stride = get_global_size(0);
    for (uint i = get_global_id(0); i < n; i += 4u * stride) {
        const uint4 a = w[i];
        const uint4 b = i + stride < n ? w[i + stride] : (uint4)(0u);
        const uint4 c = i + 2u * stride < n ? w[i + 2u * stride] : (uint4)(0u);
        const uint4 d = i + 3u * stride < n ? w[i + 3u * stride] : (uint4)(0u);
        acc ^= a ^ b ^ c ^ d;
    }
    if ((acc.x ^ acc.y ^ acc.z ^ acc.w) == 0x9E3779B9u) {
        out[0] = acc.x;
    }
}
"""


def main():
    launches = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    d = Device(allow_cpu=True)
    cl, plat = d.cl, d.plat
    exts = d.info(CL_DEVICE_EXTENSIONS).split()
    print(f"device: {d.info(CL_DEVICE_NAME)}")
    print(f"extensions ({len(exts)}): {' '.join(sorted(exts))}")
    queue = d.queue(False)
    pqueue = d.queue(True)
    prog, log = d.build(SOURCE)
    if prog is None:
        sys.exit(f"clBuildProgram: {log}")
    empty = d.kernel(prog, "empty")
    stream = d.kernel(prog, "stream")
    max_mb = int(sys.argv[2]) if len(sys.argv) > 2 else 1024
    wbuf = d.buffer(max_mb << 20, "weights buffer")
    obuf = d.buffer(4096, "out buffer")
    zero = C.c_uint(0)
    check(cl.clEnqueueFillBuffer(queue, wbuf, C.byref(zero), C.c_size_t(4), C.c_size_t(0), C.c_size_t(max_mb << 20), 0, None, None), "fill")
    check(cl.clFinish(queue), "finish")
    check(cl.clSetKernelArg(empty, 0, C.sizeof(C.c_void_p), C.byref(obuf)), "arg")
    check(cl.clSetKernelArg(stream, 0, C.sizeof(C.c_void_p), C.byref(wbuf)), "arg")
    check(cl.clSetKernelArg(stream, 1, C.sizeof(C.c_void_p), C.byref(obuf)), "arg")
    local = C.c_size_t(256)

    def enqueue(q, kernel, groups, event=None):
        g = C.c_size_t(groups * 256)
        check(cl.clEnqueueNDRangeKernel(q, kernel, 1, None, C.byref(g), C.byref(local), 0, None, event), "enqueue")

    def host_batch(kernel, groups, launches):
        enqueue(queue, kernel, groups)
        cl.clFinish(queue)
        t = time.perf_counter()
        for _ in range(launches):
            enqueue(queue, kernel, groups)
        cl.clFinish(queue)
        return (time.perf_counter() - t) / launches * 1e6

    def profiled(kernel, groups, launches):
        events = [C.c_void_p() for _ in range(launches)]
        for e in events:
            enqueue(pqueue, kernel, groups, C.byref(e))
        cl.clFinish(pqueue)
        spans, starts, ends = [], [], []
        for e in events:
            span, start, end = d.span_us(e)
            spans.append(span)
            starts.append(start)
            ends.append(end)
        gaps = [(starts[i + 1] - ends[i]) / 1e3 for i in range(len(events) - 1)]
        spans.sort()
        gaps.sort()
        return spans[len(spans) // 2], gaps[len(gaps) // 2]

    groups_stream = 132 * 8
    print(f"{launches} back-to-back launches per row (streams: at most ~16 GB a row), in-order queue; host: wall time per launch around the batch (no profiling); event: median START..END and END..next START")
    print("| kernel | MB read | host us per launch | event us | gap us | GB/s (host) |")
    print("|---|---|---|---|---|---|")
    for groups in (1, 132, 1056):
        h = host_batch(empty, groups, launches)
        span, gap = profiled(empty, groups, launches)
        print(f"| empty, {groups} workgroups of 256 | 0 | {h:.2f} | {span:.2f} | {gap:.2f} | |")
    rows = []
    for mb in [m for m in (1, 4, 16, 64, 256, 1024) if m <= max_mb]:
        words = C.c_uint((mb << 20) // 16)
        check(cl.clSetKernelArg(stream, 2, 4, C.byref(words)), "arg")
        # (At most ~16 GB streamed per row.)
        count = max(4, min(launches, 16384 // mb))
        h = host_batch(stream, groups_stream, count)
        span, gap = profiled(stream, groups_stream, count)
        rows.append((mb, h))
        print(f"| stream, {groups_stream} workgroups | {mb} | {h:.2f} | {span:.2f} | {gap:.2f} | {mb * 1.048576e3 / h:.0f} |")
    # Least-squares fit of host us = fixed + MB / rate over the rows.
    xs = [mb * 1.048576 for mb, _ in rows]
    ys = [h for _, h in rows]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    print(f"fit (host): fixed {my - slope * mx:.2f} us per launch, {1e3 / slope:.0f} GB/s read")
    if "cl_khr_command_buffer" in exts:
        command_buffer(cl, plat, queue, empty, stream, launches, local, groups_stream)
    else:
        print("cl_khr_command_buffer: absent")


def command_buffer(cl, plat, queue, empty, stream, launches, local, groups_stream):
    get = cl.clGetExtensionFunctionAddressForPlatform
    get.restype = C.c_void_p
    names = ["clCreateCommandBufferKHR", "clCommandNDRangeKernelKHR", "clFinalizeCommandBufferKHR", "clEnqueueCommandBufferKHR"]
    ptrs = {nm: get(plat, nm.encode()) for nm in names}
    if not all(ptrs.values()):
        print(f"cl_khr_command_buffer listed, entry points missing: {[k for k, v in ptrs.items() if not v]}")
        return
    create = C.CFUNCTYPE(C.c_void_p, C.c_uint, C.POINTER(C.c_void_p), C.c_void_p, C.POINTER(C.c_int))(ptrs["clCreateCommandBufferKHR"])
    ndrange = C.CFUNCTYPE(C.c_int, C.c_void_p, C.c_void_p, C.c_void_p, C.c_void_p, C.c_uint, C.c_void_p, C.POINTER(C.c_size_t), C.POINTER(C.c_size_t), C.c_uint, C.c_void_p, C.c_void_p, C.c_void_p)(ptrs["clCommandNDRangeKernelKHR"])
    finalize = C.CFUNCTYPE(C.c_int, C.c_void_p)(ptrs["clFinalizeCommandBufferKHR"])
    enqueue = C.CFUNCTYPE(C.c_int, C.c_uint, C.POINTER(C.c_void_p), C.c_void_p, C.c_uint, C.c_void_p, C.c_void_p)(ptrs["clEnqueueCommandBufferKHR"])
    for label, kernel, groups in (("empty, 1 workgroup", empty, 1), ("stream 16 MB", stream, groups_stream)):
        if kernel is stream:
            words = C.c_uint((16 << 20) // 16)
            check(cl.clSetKernelArg(stream, 2, 4, C.byref(words)), "arg")
        err = C.c_int()
        q = (C.c_void_p * 1)(queue)
        cb = create(1, q, None, C.byref(err))
        if err.value != 0:
            print(f"clCreateCommandBufferKHR: {err.value}")
            return
        g = C.c_size_t(groups * 256)
        for _ in range(launches):
            rc = ndrange(cb, None, None, kernel, 1, None, C.byref(g), C.byref(local), 0, None, None, None)
            if rc != 0:
                print(f"clCommandNDRangeKernelKHR: {rc}")
                return
        check(finalize(cb), "finalize")
        check(enqueue(0, None, cb, 0, None, None), "enqueue command buffer")
        cl.clFinish(queue)
        t = time.perf_counter()
        reps = 5
        for _ in range(reps):
            # (Without CL_COMMAND_BUFFER_SIMULTANEOUS_USE_KHR a replay waits for the last.)
            check(enqueue(0, None, cb, 0, None, None), "enqueue command buffer")
            cl.clFinish(queue)
        print(f"command buffer, {label}: {(time.perf_counter() - t) / (reps * launches) * 1e6:.2f} us per recorded launch")


if __name__ == "__main__":
    main()
