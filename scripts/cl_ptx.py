#!/usr/bin/env python3
"""Builds OpenCL C kernel files for the machine's first OpenCL GPU (else first device)
and writes each program binary (PTX on NVIDIA's platform), printing a count of its global
loads by width, so a kernel's memory instructions can be read as the driver compiled them.

    usage: cl_ptx.py OUTDIR KERNEL.cl [KERNEL.cl ...]

Uses only ctypes and libOpenCL.so.1 (the ICD loader), no Python OpenCL package. Build
options from the environment variable CL_BUILD_OPTIONS (e.g. "-cl-nv-arch sm_90a").
"""
import ctypes as C
import os
import re
import sys

CL_DEVICE_TYPE_GPU = 1 << 2
CL_DEVICE_TYPE_ALL = 0xFFFFFFFF
CL_PROGRAM_BUILD_LOG = 0x1183
CL_PROGRAM_BINARY_SIZES = 0x1165
CL_PROGRAM_BINARIES = 0x1166


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    cl = C.CDLL("libOpenCL.so.1")
    n = C.c_uint()
    plats = (C.c_void_p * 16)()
    if cl.clGetPlatformIDs(16, plats, C.byref(n)) != 0 or n.value == 0:
        sys.exit("no OpenCL platform")
    # The first GPU of any platform (a machine may list a CPU platform such as PoCL
    # first), else the first platform's first device.
    dev = C.c_void_p()
    found = any(cl.clGetDeviceIDs(C.c_void_p(plats[i]), CL_DEVICE_TYPE_GPU, 1, C.byref(dev), None) == 0 for i in range(min(n.value, 16)))
    if not found and cl.clGetDeviceIDs(C.c_void_p(plats[0]), CL_DEVICE_TYPE_ALL, 1, C.byref(dev), None) != 0:
        sys.exit("no OpenCL device")
    err = C.c_int()
    cl.clCreateContext.restype = C.c_void_p
    ctx = C.c_void_p(cl.clCreateContext(None, 1, C.byref(dev), None, None, C.byref(err)))
    if err.value != 0:
        sys.exit(f"clCreateContext: {err.value}")
    cl.clCreateProgramWithSource.restype = C.c_void_p
    for path in sys.argv[2:]:
        name = os.path.splitext(os.path.basename(path))[0]
        src = open(path, "rb").read()
        s = C.c_char_p(src)
        ln = C.c_size_t(len(src))
        prog = C.c_void_p(cl.clCreateProgramWithSource(ctx, 1, C.byref(s), C.byref(ln), C.byref(err)))
        rc = cl.clBuildProgram(prog, 1, C.byref(dev), os.environ.get("CL_BUILD_OPTIONS", "").encode(), None, None)
        size = C.c_size_t()
        cl.clGetProgramBuildInfo(prog, dev, CL_PROGRAM_BUILD_LOG, 0, None, C.byref(size))
        log = C.create_string_buffer(size.value + 1)
        cl.clGetProgramBuildInfo(prog, dev, CL_PROGRAM_BUILD_LOG, size, log, None)
        if rc != 0:
            print(f"{name}: build failed ({rc}):\n{log.value.decode(errors='replace')}")
            continue
        bsize = C.c_size_t()
        cl.clGetProgramInfo(prog, CL_PROGRAM_BINARY_SIZES, C.sizeof(bsize), C.byref(bsize), None)
        buf = C.create_string_buffer(bsize.value)
        ptr = C.c_char_p(C.addressof(buf))
        cl.clGetProgramInfo(prog, CL_PROGRAM_BINARIES, C.sizeof(ptr), C.byref(ptr), None)
        text = buf.raw.decode(errors="replace")
        open(os.path.join(out, f"{name}.ptx"), "w").write(text)
        loads = {}
        for m in re.finditer(r"\bld\.global(?:\.[a-z0-9:]+)*", text):
            loads[m.group(0)] = loads.get(m.group(0), 0) + 1
        summary = ", ".join(f"{k} x{v}" for k, v in sorted(loads.items()))
        target = re.search(r"^\.target\s+(\S+)", text, re.M)
        print(f"{name}: {len(text)} chars of PTX (.target {target.group(1) if target else '?'}); {summary}")
        cl.clReleaseProgram(prog)


if __name__ == "__main__":
    main()
