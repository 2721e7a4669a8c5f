#!/usr/bin/env bash
# Installs the Debian packages driftc's demo and tests need, only those missing:
# Mesa's CPU Vulkan driver (lavapipe) and the Vulkan loader, PoCL (CPU OpenCL) and the
# OpenCL ICD loader, spirv-tools (spirv-val), clang (OpenCL C syntax checks), and the
# Python venv module. Needs root or sudo when something is missing.
#   usage: bash scripts/setup_system.sh
set -euo pipefail
pkgs=(mesa-vulkan-drivers libvulkan1 pocl-opencl-icd ocl-icd-libopencl1 spirv-tools clang python3-venv)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "installing Debian packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
