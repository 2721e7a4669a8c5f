#!/bin/bash
# Several llm_device_check.py runs in one call of the GPU machine, for comparing tuning
# sets (A/B) within a fixed time: each run gets at most its own limit and what is left of
# the budget, and only the lines a comparison needs reach the log (the markdown rows,
# per-step figures, parity, digests, compile lines, errors; never the prompt's ids).
#
#   usage: scripts/llm_ab.sh DRIFTC TARGET LOG BUDGET_S RUN [RUN ...]
#   RUN:   "LIMIT_S|ARGS" (ARGS: llm_device_check.py's, after DRIFTC TARGET OUTDIR)
#
# e.g. (one checkpoint shared by the runs, in /tmp/ab):
#   scripts/llm_ab.sh .devbin/driftc nvidia-h100-opencl $OUT/log.txt 560 \
#     "100|--bench llama-3.2-1b --quant f16 --skip-torch --skip-chunk-check --skip-parity" \
#     "120|--bench llama-3.2-1b --quant f16 --skip-torch --skip-chunk-check --tuning chain_dependent_dispatches=true"
#
# With AB_SETUP=1 it first makes the machine's GPU drivers reachable: the Vulkan loader
# packages in .gl/ unpacked (the device README's recipe) and NVIDIA's OpenCL ICD file
# written where missing. ARGS are split on spaces with globbing off, so list values
# (--tuning chain_templates=["a","b"]) pass as written.
set -u
if [ $# -lt 5 ]; then
    sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
driftc=$1; target=$2; log=$3; budget=$4; shift 4
here=$(cd "$(dirname "$0")" && pwd)
start=$SECONDS
if [ "${AB_SETUP:-0}" = 1 ]; then
    for f in .gl/*.deb; do [ -e "$f" ] && dpkg -x "$f" /; done
    ldconfig
    if [ ! -s /etc/OpenCL/vendors/nvidia.icd ]; then
        mkdir -p /etc/OpenCL/vendors
        find /usr/lib -name 'libnvidia-opencl.so.1*' | head -1 > /etc/OpenCL/vendors/nvidia.icd
    fi
    export VK_DRIVER_FILES=${VK_DRIVER_FILES:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}
fi
export PYTHONUNBUFFERED=1 DRIFTC_TARGETS=${DRIFTC_TARGETS:-$here/../targets}
keep='^\| [a-z]|launched with|compile note|device copy|per decode step|decode step at|vs transformers|vs linear_tiled|digest|compiled in|tokens equal|copy bandwidth|Error|error|refused|holds none|timed out'
set -f
for run in "$@"; do
    limit=${run%%|*}
    args=${run#*|}
    left=$((budget - (SECONDS - start)))
    if [ "$left" -lt 20 ]; then
        echo "=== skipped (budget spent): $args" >>"$log"
        continue
    fi
    [ "$limit" -gt "$left" ] && limit=$left
    echo "=== [$((SECONDS - start)) s] $args" >>"$log"
    # shellcheck disable=SC2086
    timeout "$limit" python3 "$here/llm_device_check.py" "$driftc" "$target" /tmp/ab $args 2>&1 \
        | sed -E 's/--prompt-ids [0-9,]{60,}/--prompt-ids (ids)/' | grep -E "$keep" | cut -c1-1500 >>"$log"
    echo "=== rc ${PIPESTATUS[0]} (124: past its ${limit} s) [$((SECONDS - start)) s]" >>"$log"
done
