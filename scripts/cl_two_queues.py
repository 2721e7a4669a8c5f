#!/usr/bin/env python3
"""Measures whether the machine's first OpenCL GPU runs kernels of two command queues at
once: a compute-bound kernel (A: chains of multiply-adds, G workgroups of 256 lanes) and a
memory-bound one (B: int8 widened to f16, as `widen_words` does, over S MB). Each row is
the median host time of 7 runs (enqueue, flush, wait for all) of A alone, B alone, A then
B in one in-order queue, and A and B in two queues. If the two queues overlap, the last
row is near the larger of the first two, not their sum. (Would widening a q8 prefill's
weights on a second queue hide it under the products?)

    usage: cl_two_queues.py [S_MB]

Uses only ctypes and libOpenCL.so.1 (the ICD loader), through cl_ctypes.py.
"""
import ctypes as C
import sys
import time

from cl_ctypes import Device, check, CL_DEVICE_NAME

SOURCE = """
__kernel __attribute__((reqd_work_group_size(256, 1, 1)))
void compute(__global float* out, uint iters) {
    float4 a = (float4)(get_global_id(0) * 1e-7f, 1.0f, 2.0f, 3.0f);
    float4 b = (float4)(0.999f);
    float4 c = (float4)(1e-3f);
    float4 d = a, e = a + 1.0f, f = a + 2.0f, g = a + 3.0f;
    for (uint i = 0u; i < iters; i++) {
        d = mad(d, b, c); e = mad(e, b, c); f = mad(f, b, c); g = mad(g, b, c);
        d = mad(d, b, c); e = mad(e, b, c); f = mad(f, b, c); g = mad(g, b, c);
    }
    const float4 s = d + e + f + g;
    if (s.x + s.y + s.z + s.w == 12345.678f) {
        out[0] = s.x;
    }
}
__kernel void widen(__global const char8* x, __global half* y) {
    const size_t i = get_global_id(0);
    vstore_half8(convert_float8(x[i]), i, y);
}
"""


def main():
    mb = int(sys.argv[1]) if len(sys.argv) > 1 else 256
    d = Device(allow_cpu=True)
    cl = d.cl
    print(f"device: {d.info(CL_DEVICE_NAME)}; B widens {mb} MB of int8")
    prog, log = d.build(SOURCE.encode())
    if prog is None:
        sys.exit(f"build: {log}")
    ka, kb = d.kernel(prog, "compute"), d.kernel(prog, "widen")
    q1, q2 = d.queue(False), d.queue(False)
    n8 = (mb << 20) // 8
    x = d.buffer(mb << 20, "x")
    y = d.buffer(2 * (mb << 20), "y")
    out = d.buffer(16, "out")
    local = C.c_size_t(256)
    check(cl.clSetKernelArg(kb, 0, C.sizeof(C.c_void_p), C.byref(x)), "arg")
    check(cl.clSetKernelArg(kb, 1, C.sizeof(C.c_void_p), C.byref(y)), "arg")
    check(cl.clSetKernelArg(ka, 0, C.sizeof(C.c_void_p), C.byref(out)), "arg")

    def run_a(q, groups):
        g = C.c_size_t(groups * 256)
        check(cl.clEnqueueNDRangeKernel(q, ka, 1, None, C.byref(g), C.byref(local), 0, None, None), "enqueue A")

    def run_b(q):
        g = C.c_size_t(n8)
        check(cl.clEnqueueNDRangeKernel(q, kb, 1, None, C.byref(g), C.byref(local), 0, None, None), "enqueue B")

    def timed(f):
        spans = []
        for _ in range(7):
            cl.clFinish(q1)
            cl.clFinish(q2)
            t = time.perf_counter()
            f()
            cl.clFlush(q1)
            cl.clFlush(q2)
            cl.clFinish(q1)
            cl.clFinish(q2)
            spans.append((time.perf_counter() - t) * 1e6)
        spans.sort()
        return spans[3]

    b_alone = timed(lambda: run_b(q1))
    print("| A workgroups | A iterations | A alone us | B alone us | A then B, one queue | A and B, two queues |")
    print("|---|---|---|---|---|---|")
    for groups in (132, 528, 1056):
        for iters in (8000, 32000):
            check(cl.clSetKernelArg(ka, 1, 4, C.byref(C.c_uint(iters))), "arg")
            a = timed(lambda: run_a(q1, groups))
            one = timed(lambda: (run_a(q1, groups), run_b(q1)))
            two = timed(lambda: (run_a(q1, groups), run_b(q2)))
            print(f"| {groups} | {iters} | {a:.0f} | {b_alone:.0f} | {one:.0f} | {two:.0f} |", flush=True)


if __name__ == "__main__":
    main()
