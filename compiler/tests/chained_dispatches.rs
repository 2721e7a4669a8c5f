//! Chained dispatches (`tuning.chain_dependent_dispatches`, NVIDIA OpenCL): consecutive
//! decode dispatches that read what earlier ones wrote run as one kernel whose members
//! wait on counters. Nothing here has the GPU (PoCL cannot run merged kernels,
//! `barriers_in_uniform_branches = false`); what is checked is what the GPU run relies on:
//! the dispatches that were merged, the counters' range (past every planned tensor, one
//! range for all chained kernels), a wait before each member on every earlier member whose
//! memory it touches, and the PTX clang makes of the waits and signals. The GPU run itself
//! is `scripts/llm_device_check.py --tuning chain_dependent_dispatches=true` (tiny
//! checkpoints' logits and greedy tokens against transformers').

mod common;

use common::*;
use driftc::target::{Precision, Target};
use runtime_min::bundle::{Access, BufferRange};

/// The chaining and walking keys off (the GPU target turns them on): each test sets the
/// ones it looks at.
const UNCHAINED: &str = "chain_dependent_dispatches = false\nchain_persistent_groups = 0\nchain_spin_waits = false\nlinear_matvec_early_loads = false\nlinear_matvec_persistent_groups = 0\nlinear_matvec_carry_loads = false";

/// [`UNCHAINED`] with `tuning`'s keys set over it.
fn over_unchained(tuning: &str) -> String {
    let set: Vec<&str> = tuning.lines().filter_map(|l| l.split_once('=')).map(|(k, _)| k.trim()).collect();
    let base = UNCHAINED.lines().filter(|l| l.split_once('=').is_some_and(|(k, _)| !set.contains(&k.trim())));
    base.chain(tuning.lines()).collect::<Vec<_>>().join("\n")
}

fn compile(tuning: &str) -> driftc::compile::Compiled {
    let text = std::fs::read_to_string(repo().join("targets/nvidia-h100-opencl.toml")).expect("target file");
    let t = Target::from_toml(&set_tuning(&text, &over_unchained(tuning)), std::path::Path::new("nvidia-h100-opencl.toml")).expect("target parses");
    let case = load_case("llama_tiny");
    driftc::compile::compile_file(&case.model(), &t, &case.options(Some(Precision::F16))).unwrap_or_else(|e| panic!("{tuning}: {e}"))
}

fn decode_dispatches(c: &driftc::compile::Compiled) -> usize {
    c.manifest.programs.iter().find(|p| p.name == "decode").map(|p| p.dispatches.len()).expect("a decode program")
}

fn overlaps(a: &BufferRange, b: &BufferRange) -> bool {
    a.pool == b.pool && a.offset < b.offset + b.size && b.offset < a.offset + a.size
}

fn decode_of(c: &driftc::compile::Compiled) -> Vec<runtime_min::bundle::Dispatch> {
    c.manifest.programs.iter().find(|p| p.name == "decode").expect("a decode program").dispatches.clone()
}

/// Each decode dispatch's label, grid and bindings.
fn dispatch_shapes(c: &driftc::compile::Compiled) -> Vec<(String, [u32; 3], Vec<BufferRange>)> {
    decode_of(c).iter().map(|d| (d.label.clone(), d.grid, d.bindings.clone())).collect()
}

/// Asserts the GPU's OpenCL target file with `tuning` set is refused, saying `says`.
fn refused(tuning: &str, says: &str) {
    let text = std::fs::read_to_string(repo().join("targets/nvidia-h100-opencl.toml")).expect("target file");
    let e = Target::from_toml(&set_tuning(&text, &over_unchained(tuning)), std::path::Path::new("nvidia-h100-opencl.toml")).expect_err(tuning).to_string();
    assert!(e.contains(says), "{tuning}: {e}");
}

/// The PTX clang makes of each (kernel name, source), in a temporary directory of `tag`.
fn ptx_of<'a>(tag: &str, sources: impl Iterator<Item = &'a (String, String)>) -> Vec<(String, String)> {
    let clang = clang();
    let dir = std::env::temp_dir().join(format!("driftc-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let out = sources.map(|(name, src)| (name.clone(), nvptx(&clang, &dir, name, src))).collect();
    let _ = std::fs::remove_dir_all(&dir);
    out
}

/// Loads of activations through the read-only (non-coherent) path: only the weight streams'
/// explicit loads may be `.nc`.
fn implicit_nc_loads(ptx: &str) -> usize {
    ptx.lines().filter(|l| l.contains("ld.global.nc") && !l.contains("L1::no_allocate")).count()
}

#[test]
fn decode_dispatches_chain_and_each_member_waits_for_what_it_reads() {
    let plain = compile("chain_dependent_dispatches = false");
    let chained = compile("chain_dependent_dispatches = true");
    let (before, after) = (decode_dispatches(&plain), decode_dispatches(&chained));
    // Per layer the output, gate-up and down projections and the next q/k/v (or the
    // logits) chain into one kernel: two of each layer's five dispatches remain.
    assert!(after + 6 <= before, "decode dispatches {before} -> {after}");
    // Chained kernels: those whose source takes the counters.
    let chained_kernels: Vec<usize> = chained.manifest.kernels.iter().enumerate().filter(|(_, k)| chained.sources.iter().any(|(n, s)| n == &k.name && s.contains("__global uint* drift_sync"))).map(|(i, _)| i).collect();
    assert!(!chained_kernels.is_empty(), "no chained kernel");
    // The counters: the last binding of every chained dispatch, one range, written, in the
    // activations pool past every other binding there, inside the pool.
    let mut sync: Option<BufferRange> = None;
    let activations = chained.manifest.pools.get(1).expect("an activations pool").size;
    for p in &chained.manifest.programs {
        for d in &p.dispatches {
            if !chained_kernels.contains(&(d.kernel as usize)) {
                continue;
            }
            let last = *d.bindings.last().expect("bindings");
            assert_eq!(*sync.get_or_insert(last), last, "{}: counters at {last:?}", d.label);
            let k = &chained.manifest.kernels[d.kernel as usize];
            assert_eq!(k.bindings.last(), Some(&Access::ReadWrite), "{}", k.name);
        }
    }
    let sync = sync.expect("a chained dispatch");
    assert!(sync.pool == 1 && sync.offset + sync.size <= activations, "{sync:?} in a pool of {activations} bytes");
    for p in &chained.manifest.programs {
        for d in &p.dispatches {
            let others = if chained_kernels.contains(&(d.kernel as usize)) { &d.bindings[..d.bindings.len() - 1] } else { &d.bindings[..] };
            assert!(others.iter().all(|b| !overlaps(b, &sync)), "{}: a binding overlaps the counters {sync:?}", d.label);
        }
    }
    // Each chained kernel: members in order (branches on `drift_member_group`); a member
    // waits only on earlier members, and every member waited on signals when done.
    let number = |s: &str, after: &str| -> Option<usize> { s.split(after).nth(1)?.split('u').next()?.trim().parse().ok() };
    for (name, src) in chained.sources.iter().filter(|(_, s)| s.contains("__global uint* drift_sync")) {
        let body = src.split("const uint drift_member_group = drift_ticket[0];").nth(1).expect("the ticket");
        let members: Vec<&str> = body.split("drift_member_group <").collect();
        let mut segments: Vec<&str> = members.iter().skip(1).copied().collect();
        let last = segments.pop().expect("members");
        segments.extend(last.splitn(2, "} else {"));
        assert!(segments.len() >= 2, "{name}: {} members", segments.len());
        let mut waits = 0;
        for (k, seg) in segments.iter().enumerate() {
            for w in seg.split("drift_sync_wait(").skip(1) {
                let counter = number(w, "drift_sync +").expect("a counter");
                let member = counter - 2;
                assert!(member < k, "{name}: member {k} waits on member {member}");
                assert!(segments[member].contains(&format!("drift_sync_done(drift_sync + {counter}u, lane)")), "{name}: member {member} is waited on but does not signal");
                waits += 1;
            }
        }
        assert!(waits > 0, "{name}: no member waits");
        assert!(src.contains(&format!("drift_sync_exit(drift_sync, drift_sync + 1u, lane, {}u", chained.manifest.kernels.iter().position(|k| &k.name == name).and_then(|i| chained.manifest.programs.iter().flat_map(|p| &p.dispatches).find(|d| d.kernel as usize == i)).map(|d| d.grid[0]).expect("a dispatch"))), "{name}: the exit count is not the grid");
    }
}

#[test]
fn chained_waits_and_signals_are_acquire_loads_and_release_adds_in_ptx() {
    let chained = compile("chain_dependent_dispatches = true");
    let ptxs = ptx_of("chain", chained.sources.iter().filter(|(_, s)| s.contains("__global uint* drift_sync")));
    assert!(!ptxs.is_empty());
    for (name, ptx) in &ptxs {
        assert!(ptx.contains("ld.acquire.gpu.global.u32"), "{name}: no acquire load");
        assert!(ptx.contains("red.release.gpu.global.add.u32"), "{name}: no release add");
        assert!(ptx.contains("fence.acq_rel.gpu"), "{name}: no fence");
        assert!(ptx.contains("atom.relaxed.gpu.global.add.u32"), "{name}: no ticket");
        assert!(ptx.contains("atom.acq_rel.gpu.global.add.u32"), "{name}: the exit count does not order the signals before it");
        assert_eq!(implicit_nc_loads(ptx), 0, "{name}: implicit read-only loads");
    }
}

/// `chain_persistent_groups`: a chained kernel launches at most that many workgroups (its
/// exit counts them), which walk each member's shares in turn with no tickets; a member
/// waits once per workgroup on earlier members only, each waited-on member adds the shares
/// a workgroup did, and with `chain_prefetch_first_share` the weights of a workgroup's
/// first share are asked of the L2 before its waits. clang makes PTX of them with the
/// release add of a count. (Their results: the GPU parity run; PoCL cannot run merged
/// kernels.)
#[test]
fn persistent_chains_walk_each_members_shares_and_wait_once_per_member() {
    let ticketed = compile("chain_dependent_dispatches = true");
    let persistent = compile("chain_dependent_dispatches = true\nchain_persistent_groups = 3\nchain_prefetch_first_share = true");
    assert!(ticketed.manifest.kernels.iter().all(|k| !k.co_resident), "ticketed chains need no co-residency");
    assert_eq!(decode_dispatches(&ticketed), decode_dispatches(&persistent), "the same dispatches chain");
    let mut checked = 0;
    for (name, src) in persistent.sources.iter().filter(|(_, s)| s.contains("__global uint* drift_sync")) {
        let i = persistent.manifest.kernels.iter().position(|k| &k.name == name).expect("a kernel");
        let d = persistent.manifest.programs.iter().flat_map(|p| &p.dispatches).find(|d| d.kernel as usize == i).expect("a dispatch");
        assert!(d.grid[0] <= 3 && d.grid[1] == 1, "{name}: grid {:?}", d.grid);
        assert!(persistent.manifest.kernels[i].co_resident, "{name}: a persistent chain not marked co-resident (runtimes must check its grid fits)");
        assert!(!src.contains("drift_ticket"), "{name}: tickets in a persistent chain");
        // The count launched is read at run time (a runtime launches at most what the
        // device holds at once): the exit counts it and the members walk by it.
        assert!(src.contains("const uint drift_launched = (uint)get_num_groups(0);") && src.contains("drift_sync_exit(drift_sync, drift_sync + 1u, lane, drift_launched, "), "{name}: the exit count is not the count launched");
        let members: Vec<&str> = src.split("    // member ").skip(1).collect();
        assert!(members.len() >= 2, "{name}: {} members", members.len());
        let mut waits = 0;
        for (k, m) in members.iter().enumerate() {
            assert!(m.contains("drift_share += drift_launched)"), "{name}: member {k} does not walk its shares");
            let loop_at = m.find("for (uint drift_share").expect("the walk");
            for (at, w) in m.match_indices("drift_sync_wait(drift_sync + ") {
                assert!(at < loop_at, "{name}: member {k} waits inside its walk");
                let counter: usize = m[at + w.len()..].split('u').next().and_then(|n| n.parse().ok()).expect("a counter");
                let member = counter - 2;
                assert!(member < k, "{name}: member {k} waits on member {member}");
                assert!(members[member].contains(&format!("drift_sync_done_n(drift_sync + {counter}u, lane, ")), "{name}: member {member} is waited on but does not count");
                assert!(m[..at].contains("prefetch.global.L2"), "{name}: member {k} waits before prefetching its first share");
                waits += 1;
            }
        }
        assert!(waits > 0, "{name}: no member waits");
        checked += 1;
    }
    assert!(checked > 0, "no persistent chain");
    let ptxs = ptx_of("persistent-chain", persistent.sources.iter().filter(|(_, s)| s.contains("__global uint* drift_sync")).take(2));
    for (name, ptx) in &ptxs {
        assert!(ptx.contains("ld.acquire.gpu.global.u32") && ptx.contains("red.release.gpu.global.add.u32") && ptx.contains("prefetch.global.L2") && ptx.contains("atom.acq_rel.gpu.global.add.u32"), "{name}: waits, counts, prefetches and the exit count in the PTX");
        assert_eq!(implicit_nc_loads(ptx), 0, "{name}: implicit read-only loads");
    }
    // With early weight loads, a staging member waits after issuing its first share's loads.
    let early = compile("chain_dependent_dispatches = true\nchain_persistent_groups = 3\nlinear_matvec_early_loads = true");
    let waits_after_loads = early.sources.iter().filter(|(_, s)| s.contains("__global uint* drift_sync")).flat_map(|(_, s)| s.split("    // member ")).filter(|m| {
        let (load, wait) = (m.find("const uint4 ew0 = "), m.find("    if (drift_share == drift_wid) {\n    drift_sync_wait("));
        matches!((load, wait), (Some(l), Some(w)) if l < w)
    });
    assert!(waits_after_loads.count() > 0, "no member waits after its early loads");
    // With the projections' own persistence at the same N: one share per member and
    // workgroup, whose body walks its row groups (early words for the first).
    let both = compile("chain_dependent_dispatches = true\nchain_persistent_groups = 2\nlinear_matvec_persistent_groups = 2\nlinear_matvec_early_loads = true");
    let walking: Vec<&(String, String)> = both.sources.iter().filter(|(_, s)| s.contains("__global uint* drift_sync") && s.contains("for (uint rgroup = group; rgroup < ") && s.contains("const bool early_row = rgroup == group;")).collect();
    assert!(!walking.is_empty(), "no chained member walks its row groups with early words");
    for (name, ptx) in ptx_of("persistent-walk", walking.into_iter().take(1)) {
        assert!(ptx.contains(".entry") && ptx.contains("ld.acquire.gpu.global.u32"), "{name}: no kernel with its waits in the PTX");
    }
    // Spin waits: no sleep between polls, no fence in every lane before a signal; the
    // signal is still a release add after the workgroup barrier.
    let spin = compile("chain_dependent_dispatches = true\nchain_persistent_groups = 3\nchain_spin_waits = true");
    let chained = spin.sources.iter().find(|(_, s)| s.contains("__global uint* drift_sync")).expect("a chained kernel");
    let (name, src) = chained;
    let done = src.split("void drift_sync_done(").nth(1).and_then(|s| s.split("\n}\n").next()).expect("the signal");
    assert!(!src.contains("nanosleep") && !done.contains("fence.acq_rel.gpu") && done.contains("barrier(") && done.contains("red.release.gpu.global.add.u32"), "{name}: {done}");
    assert_eq!(src.matches("fence.acq_rel.gpu").count(), 1, "{name}: only the exit's fence stays (the two signals' went)");
    let plain = compile("chain_dependent_dispatches = true\nchain_persistent_groups = 3");
    let (_, default_src) = plain.sources.iter().find(|(_, s)| s.contains("__global uint* drift_sync")).expect("a chained kernel");
    assert_eq!(default_src.matches("fence.acq_rel.gpu").count(), 3, "the default form fences in both signals and the exit");
    for (name, ptx) in ptx_of("spin-chain", std::iter::once(chained)) {
        assert!(!ptx.contains("nanosleep") && ptx.contains("red.release.gpu.global.add.u32"), "{name}: sleeps or lacks its signal in the PTX");
    }
    // Refused: without chaining, or the prefetch without persistence.
    for (tuning, says) in [("chain_persistent_groups = 3", "needs tuning.chain_dependent_dispatches"), ("chain_dependent_dispatches = true\nchain_prefetch_first_share = true", "needs tuning.chain_persistent_groups"), ("chain_spin_waits = true", "needs tuning.chain_dependent_dispatches")] {
        refused(tuning, says);
    }
}

/// `chain_templates`: the decode attention chains with the projections around it, so a
/// decode step is its embedding, one chained kernel and its argmax. Past the target's
/// parameter bound the chain binds the weights and activations pools once each (covers)
/// and the counters;
/// each member's tensors are at constant offsets into the covers, which must land where
/// the unchained compile of the same model binds them. `chain_max_members` bounds a chain.
#[test]
fn a_decode_step_with_its_attention_chains_into_one_kernel_over_two_covers() {
    const MIXED: &str = "chain_dependent_dispatches = true\nchain_persistent_groups = 3\nchain_templates = [\"linear_matvec\", \"cached_attention_wg\"]";
    let plain = compile("chain_dependent_dispatches = false");
    let mixed = compile(MIXED);
    let decode = decode_of(&mixed);
    assert_eq!(decode.len(), 3, "{:?}", decode.iter().map(|d| &d.label).collect::<Vec<_>>());
    let chain = &decode[1];
    for l in ["model.layers.0.attention", "model.layers.1.attention", "model.layers.1.down_proj", "decode.logits"] {
        assert!(chain.label.contains(l), "{l} not in the chain: {}", chain.label);
    }
    assert_eq!(chain.bindings.len(), 3, "{:?}", chain.bindings);
    let (weights, acts) = (chain.bindings[0], chain.bindings[1]);
    assert!(weights.pool == 0 && acts.pool == 1, "{:?}", chain.bindings);
    // Every binding the unchained decode step makes (but the embedding's and argmax's) is
    // inside a cover; every member pointer lands on one of them.
    let plain_decode = decode_of(&plain);
    let inner: Vec<BufferRange> = plain_decode.iter().filter(|d| d.label.contains("proj") || d.label.contains("attention") || d.label == "decode.logits").flat_map(|d| d.bindings.iter().copied()).collect();
    assert!(inner.len() > 20, "{} bindings", inner.len());
    for b in &inner {
        let cover = if b.pool == 0 { weights } else { acts };
        assert!(b.pool < 2 && b.offset >= cover.offset && b.offset + b.size <= cover.offset + cover.size, "{b:?} outside {cover:?}");
    }
    let i = chain.kernel as usize;
    let (name, src) = mixed.sources.iter().find(|(n, _)| n == &mixed.manifest.kernels[i].name).expect("the chain's source");
    let mut pointers = 0;
    for line in src.lines().filter(|l| l.starts_with("#define b") && l.contains("(drift_pool")) {
        let (pool, off) = line.split("(drift_pool").nth(1).and_then(|t| t.split_once(" + ")).map(|(p, o)| (p.trim(), o.split("ul").next().unwrap_or(""))).expect("a pointer into a cover");
        let (pool, off): (u32, u64) = (pool.parse().expect("a pool"), off.parse().expect("an offset"));
        let cover = if pool == 0 { weights } else { acts };
        assert!(inner.iter().any(|b| b.pool == pool && b.offset == cover.offset + off), "{name}: {line} binds nothing the unchained step binds");
        pointers += 1;
    }
    assert!(pointers > 20, "{name}: {pointers} pointers");
    assert!(src.contains("void k_main(__global const uchar* restrict drift_pool0, __global uchar* drift_pool1, __global uint* drift_sync)"), "{name}: parameters");
    for (name, ptx) in ptx_of("mixed-chain", std::iter::once(&(name.clone(), src.clone()))) {
        assert!(ptx.contains("ld.acquire.gpu.global.u32") && ptx.contains("red.release.gpu.global.add.u32"), "{name}: waits and signals");
        assert_eq!(implicit_nc_loads(&ptx), 0, "{name}: implicit read-only loads");
    }
    // Chains whose parameters fit keep one parameter per tensor (no covers: on the H200
    // they cost registers).
    let per_layer = compile("chain_dependent_dispatches = true\nchain_persistent_groups = 3");
    assert!(per_layer.sources.iter().any(|(_, s)| s.contains("__global uint* drift_sync")) && per_layer.sources.iter().all(|(_, s)| !s.contains("drift_pool")), "a per-layer chain bound through covers");
    // At most four members per chain: more kernels, none longer.
    let bounded = compile(&format!("{MIXED}\nchain_max_members = 4"));
    let chains: Vec<_> = decode_of(&bounded).into_iter().filter(|d| d.label.contains(" + ")).collect();
    assert!(chains.len() >= 3 && chains.iter().all(|d| d.label.matches(" + ").count() <= 3), "{:?}", chains.iter().map(|d| &d.label).collect::<Vec<_>>());
    // Refused: an unknown template, and the key without chaining.
    refused("chain_dependent_dispatches = true\nchain_templates = [\"linear_matvec\", \"attention\"]", "'attention' is not a kernel template");
    refused("chain_templates = [\"linear_matvec\"]", "needs tuning.chain_dependent_dispatches");
}

#[test]
fn chaining_needs_ptx_on_an_opencl_target() {
    refused(&PTX_OFF.replace("chain_dependent_dispatches = false\nchain_persistent_groups = 0\nchain_spin_waits = false", "chain_dependent_dispatches = true"), "tuning.chain_dependent_dispatches needs an OpenCL C target with tuning.opencl_ptx_mma");
    let vulkan = std::fs::read_to_string(repo().join("targets/nvidia-h100.toml")).expect("target file");
    let e = Target::from_toml(&set_tuning(&vulkan, "chain_dependent_dispatches = true"), std::path::Path::new("nvidia-h100.toml")).expect_err("refused").to_string();
    assert!(e.contains("tuning.chain_dependent_dispatches"), "{e}");
}

/// The split decode attention that merges its own splits (`decode_attention_combine_last`)
/// on the GPU's target: no combining dispatch, no projection that combines, one counter
/// per cache head in the shared counter range past the planned activations, and in PTX an
/// acquire-release add between fences, with the partials read back by plain (coherent)
/// loads. (PoCL runs the same kernel with OpenCL C atomics: attention_decode.rs,
/// llm_generate.rs.)
#[test]
fn the_last_attention_workgroup_combines_through_an_acq_rel_counter_in_ptx() {
    // (8 keys per split: the tiny checkpoint's context splits.)
    let plain = compile("decode_attention_combine_last = false\ndecode_attention_split_keys = 8");
    let last = compile("decode_attention_combine_last = true\ndecode_attention_split_keys = 8");
    assert_eq!(decode_of(&last).len(), decode_of(&plain).len(), "the combine was already in the projection: as many dispatches");
    let combining = last.sources.iter().filter(|(k, src)| k.starts_with("linear_matvec") && src.contains("drift_shared4[v] = num / den")).count();
    assert_eq!(combining, 0, "no projection combines partials");
    // The counters: the last binding of every such dispatch, one range (every kernel leaves
    // them zero), read and written, in the activations pool past every other binding.
    let activations = last.manifest.pools.get(1).expect("an activations pool").size;
    let mut counters: Option<BufferRange> = None;
    let mut counted = 0;
    for d in decode_of(&last).iter().filter(|d| last.manifest.kernels[d.kernel as usize].name.starts_with("cached_attention_gqa")) {
        let r = *d.bindings.last().expect("bindings");
        assert_eq!(*counters.get_or_insert(r), r, "{}: counters at {r:?}", d.label);
        assert_eq!(last.manifest.kernels[d.kernel as usize].bindings.last(), Some(&Access::ReadWrite), "{}", d.label);
        counted += 1;
    }
    let counters = counters.expect("an attention dispatch");
    // llama_tiny: 2 cache heads, a counter each.
    assert!(counters.pool == 1 && counters.size >= 8 && counters.offset + counters.size <= activations, "{counters:?} in a pool of {activations} bytes");
    for p in &last.manifest.programs {
        for d in &p.dispatches {
            let counting = last.manifest.kernels[d.kernel as usize].name.starts_with("cached_attention_gqa") && p.name == "decode";
            let others = if counting { &d.bindings[..d.bindings.len() - 1] } else { &d.bindings[..] };
            assert!(others.iter().all(|b| !overlaps(b, &counters)), "{}: a binding overlaps the counters {counters:?}", d.label);
        }
    }
    assert!(counted > 0, "decode attention dispatches take counters");
    let ptxs = ptx_of("combine-last", last.sources.iter().filter(|(k, s)| k.starts_with("cached_attention_gqa") && s.contains("drift_counters")));
    assert!(!ptxs.is_empty());
    for (name, ptx) in &ptxs {
        assert!(ptx.contains("atom.acq_rel.gpu.global.add.u32"), "{name}: no acquire-release count");
        assert!(ptx.matches("fence.acq_rel.gpu").count() >= 2, "{name}: fences before the count and before reading the partials");
        assert!(ptx.contains("st.relaxed.gpu.global.u32"), "{name}: the counter is not set back");
        assert_eq!(implicit_nc_loads(ptx), 0, "{name}: implicit read-only loads (the partials)");
    }
}

/// `decode_prefetch_next_weights`: each decode projection and attention dispatch takes one
/// more binding, the largest weight range of the dispatch after it in the decode program,
/// and ends with its last workgroups asking the L2 for that range's first bytes (PTX
/// `prefetch.global.L2` in what clang makes); no dispatch outside decode's kernels does,
/// and a target without PTX (PoCL) ignores the key.
#[test]
fn decode_kernels_prefetch_the_next_dispatchs_weights() {
    let plain = compile("decode_prefetch_next_weights = [0, 0]");
    let pf = compile("decode_prefetch_next_weights = [64, 8]");
    let (before, after) = (decode_of(&plain), decode_of(&pf));
    assert_eq!(before.len(), after.len());
    let mut prefetching = 0;
    for (k, (a, b)) in before.iter().zip(&after).enumerate() {
        let src = &pf.sources.iter().find(|(n, _)| n == &pf.manifest.kernels[b.kernel as usize].name).expect("source").1;
        if b.bindings.len() == a.bindings.len() {
            assert!(!src.contains("drift_prefetch"), "{}: no prefetch binding, no prefetch", b.label);
            continue;
        }
        assert_eq!(b.bindings.len(), a.bindings.len() + 1, "{}: one binding more", b.label);
        let r = *b.bindings.last().expect("bindings");
        // (Its bindings without a prefetch of its own: the same dispatch in the plain bundle.)
        let next = before.get(k + 1).unwrap_or_else(|| panic!("{}: prefetches for no next dispatch", b.label));
        let largest = next.bindings.iter().filter(|x| x.pool == 0).max_by_key(|x| x.size).expect("the next dispatch reads weights");
        assert_eq!(&r, largest, "{}: the next dispatch's ({}) largest weight", b.label, next.label);
        assert!(src.contains(&format!("off < {}ul", r.size.min(64 * 1024))), "{}: the first 64 KiB at most", b.label);
        prefetching += 1;
    }
    assert!(prefetching >= 4, "{prefetching} decode dispatches prefetch");
    let ptxs = ptx_of("prefetch", pf.sources.iter().filter(|(n, s)| n.starts_with("linear_matvec") && s.contains("drift_prefetch")).take(1));
    let (name, ptx) = ptxs.first().expect("a prefetching projection");
    assert!(ptx.contains("prefetch.global.L2"), "{name}: no L2 prefetch in the PTX");
    // PoCL (no PTX): the key changes nothing.
    let text = std::fs::read_to_string(repo().join("targets/pocl.toml")).expect("target file");
    let t = Target::from_toml(&set_tuning(&text, "decode_prefetch_next_weights = [64, 8]"), std::path::Path::new("pocl.toml")).expect("target parses");
    let case = load_case("llama_tiny");
    let c = driftc::compile::compile_file(&case.model(), &t, &case.options(Some(Precision::F32))).expect("compiles");
    assert!(c.sources.iter().all(|(_, s)| !s.contains("drift_prefetch")), "PoCL kernels prefetch");
}

/// `decode_stage_shuffle_sums`: the decode projections that stage their normalized row
/// sum its squares by shuffles (one barrier), and clang makes warp shuffles of it; without
/// the key the barrier tree stays. (Its results: the GPU parity run.)
#[test]
fn staged_rows_sum_their_squares_by_shuffles() {
    let plain = compile("decode_stage_shuffle_sums = false");
    let shuffled = compile("decode_stage_shuffle_sums = true");
    let staged = |c: &driftc::compile::Compiled, marker: &str| c.sources.iter().filter(|(k, s)| k.starts_with("linear_matvec") && s.contains("drift_shared4[i * ") && s.contains(marker)).count();
    assert!(staged(&plain, "drift_shared[lane] = ssl;") > 0 && staged(&plain, "drift_lanes_sum(ssl, 32u)") == 0);
    assert!(staged(&shuffled, "drift_lanes_sum(ssl, 32u)") > 0 && staged(&shuffled, "drift_shared[lane] = ssl;") == 0);
    let ptxs = ptx_of("stage", shuffled.sources.iter().filter(|(k, s)| k.starts_with("linear_matvec") && s.contains("drift_lanes_sum(ssl, 32u)")).take(1));
    let (name, ptx) = ptxs.first().expect("a staged projection");
    assert!(ptx.contains("shfl.sync.bfly"), "{name}: no shuffles in the PTX");
}

/// `linear_matvec_persistent_groups`: the decode projections launch at most that many
/// workgroups each (a merged q/k/v kernel, that many per member), whose kernels walk the row
/// groups, and clang makes PTX of them. (Their results: PoCL in llm_generate.rs, the GPU
/// parity run.)
#[test]
fn persistent_projections_launch_few_workgroups_that_walk_the_rows() {
    let plain = compile("linear_matvec_persistent_groups = 0\ndecode_attention_split_keys = 8");
    let few = compile("linear_matvec_persistent_groups = 2\ndecode_attention_split_keys = 8");
    let (before, after) = (decode_of(&plain), decode_of(&few));
    assert_eq!(before.len(), after.len());
    let mut walking = 0;
    for (a, b) in before.iter().zip(&after) {
        let name = &few.manifest.kernels[b.kernel as usize].name;
        if !name.starts_with("linear_matvec") {
            assert_eq!(a.grid, b.grid, "{}", b.label);
            continue;
        }
        let members = u32::try_from(b.label.matches(" + ").count() + 1).expect("members");
        assert!(b.grid[0] <= 2 * members && b.grid[0] <= a.grid[0], "{}: {:?} workgroups (was {:?})", b.label, b.grid, a.grid);
        if b.grid[0] < a.grid[0] {
            walking += 1;
        }
    }
    assert!(walking > 0, "no projection walks several row groups");
    let ptxs = ptx_of("persistent", few.sources.iter().filter(|(k, s)| k.starts_with("linear_matvec") && s.contains("for (uint rgroup = group; rgroup < ")).take(1));
    let (name, ptx) = ptxs.first().expect("a walking projection");
    // (clang leaves OpenCL's barrier() an external call for this triple.)
    assert!(ptx.contains(".entry") && ptx.contains("barrier") && ptx.contains("shfl.sync.bfly"), "{name}: no kernel with barriers and shuffles in the PTX");
}

/// `linear_matvec_prefetch_next_group`: a persistent projection asks the L2 for the lines
/// of its next row group's weight rows (and the folded gate's) as it starts the current
/// one; the rows' lines are each asked once by the row's lanes, and nothing else of the
/// bundle changes. (Timing: the GPU; PoCL has no PTX.)
#[test]
fn persistent_projections_prefetch_their_next_row_group() {
    const WALK: &str = "linear_matvec_persistent_groups = 2\ndecode_attention_split_keys = 8";
    let walking = compile(WALK);
    let fetching = compile(&format!("{WALK}\nlinear_matvec_prefetch_next_group = true"));
    assert_eq!(dispatch_shapes(&walking), dispatch_shapes(&fetching), "the prefetch changes no dispatch");
    let mut gated = 0;
    let prefetching: Vec<&(String, String)> = fetching.sources.iter().filter(|(_, s)| s.contains("prefetch.global.L2")).collect();
    assert!(!prefetching.is_empty(), "no projection prefetches");
    for (name, src) in &prefetching {
        let walk = src.find("for (uint rgroup = group; rgroup < ").expect("a walking projection");
        let at = src.find("prefetch.global.L2").expect("a prefetch");
        assert!(walk < at && src.contains("if (rgroup + 2u < "), "{name}: the prefetch is not of the next row group");
        // Lines per row (the loop bound) times 8 words of 16 bytes is the row's words; the
        // row's lanes (its `sub`) step through them.
        let number = |after: &str| -> u64 { src.split(after).nth(1).and_then(|t| t.split('u').next()).and_then(|n| n.trim().parse().ok()).unwrap_or_else(|| panic!("{name}: no '{after}'")) };
        let (lines, step, words, lanes) = (number("; l < "), number("; l += "), number("(ulong)row_n * "), number("const uint sub = lane % "));
        assert_eq!((lines * 8, step), (words, lanes), "{name}: lines {lines} by {step} for rows of {words} words and {lanes} lanes");
        if src.matches("prefetch.global.L2").count() == 2 {
            gated += 1;
        }
    }
    assert!(gated > 0, "no folded gate prefetches its rows too");
    for (name, ptx) in ptx_of("prefetch-next", prefetching.into_iter().take(1)) {
        assert!(ptx.contains("prefetch.global.L2"), "{name}: no prefetch in the PTX");
    }
    refused("linear_matvec_prefetch_next_group = true", "needs tuning.linear_matvec_persistent_groups");
}

/// The GPU target as shipped chains its decode projections into persistent kernels
/// (co-resident, walking by the count launched); clang makes PTX of them. (The tiny
/// model's projections have fewer row groups than the 264 workgroups, so none walks or
/// carries here: `persistent_projections_carry_their_next_row_groups_words` has 2.)
#[test]
fn the_gpu_targets_decode_step_is_persistent_chains() {
    let text = std::fs::read_to_string(repo().join("targets/nvidia-h100-opencl.toml")).expect("target file");
    let t = Target::from_toml(&text, std::path::Path::new("nvidia-h100-opencl.toml")).expect("target parses");
    let case = load_case("llama_tiny");
    let shipped = driftc::compile::compile_file(&case.model(), &t, &case.options(Some(Precision::F16))).expect("compiles");
    let chained: Vec<&(String, String)> = shipped.sources.iter().filter(|(_, s)| s.contains("__global uint* drift_sync")).collect();
    assert!(!chained.is_empty(), "no chained kernel");
    for (name, src) in &chained {
        let k = shipped.manifest.kernels.iter().find(|k| &k.name == name).expect("a kernel");
        assert!(k.co_resident && src.contains("drift_share += drift_launched)"), "{name}: not a persistent chain walking by the count launched");
    }
    for (name, ptx) in ptx_of("shipped", chained.into_iter().take(1)) {
        assert!(ptx.contains("ld.acquire.gpu.global.u32") && ptx.contains("red.release.gpu.global.add.u32"), "{name}: waits and counts in the PTX");
    }
}

/// `persistent_decode_max_input`: a model whose widest projection takes more inputs than
/// the bound compiles exactly as with the persistent decode keys off, and the report says
/// why; one within it keeps them.
#[test]
fn wide_models_compile_without_the_persistent_decode_keys() {
    let text = std::fs::read_to_string(repo().join("targets/nvidia-h100-opencl.toml")).expect("target file");
    let with_bound = |max: &str, quant: driftc::front::llm::Quant| {
        let t = Target::from_toml(&set_tuning(&text, &format!("persistent_decode_max_input = {max}")), std::path::Path::new("nvidia-h100-opencl.toml")).expect("target parses");
        let case = load_case("llama_tiny");
        let mut o = case.options(Some(Precision::F16));
        o.import.quant = quant;
        driftc::compile::compile_file(&case.model(), &t, &o).expect("compiles")
    };
    use driftc::front::llm::Quant;
    let (wide, narrow, unchained) = (with_bound("1", Quant::None), with_bound("1000000", Quant::None), compile(""));
    assert!(narrow.sources.iter().any(|(_, s)| s.contains("__global uint* drift_sync")), "the bound above the model's widest input turned the chains off");
    assert!(narrow.report.notes.is_empty(), "{:?}", narrow.report.notes);
    assert_eq!(wide.sources, unchained.sources, "a model past the bound compiles otherwise than with the keys off");
    assert_eq!(dispatch_shapes(&wide), dispatch_shapes(&unchained));
    assert!(matches!(wide.report.notes.as_slice(), [n] if n.contains("persistent decode kernels off") && n.contains("above tuning.persistent_decode_max_input = 1")), "{:?}", wide.report.notes);
    // Int4 projections (8/4/4's feed-forward, `LinearQ4`) count too: the tiny model's widest
    // input is its down projection's (intermediate size), int4 there; q/k/v/o stay int8 `Linear`s.
    let hidden = 64;
    let int4 = with_bound(&hidden.to_string(), Quant::Q844);
    assert!(!int4.sources.iter().any(|(_, s)| s.contains("__global uint* drift_sync")) && int4.report.notes.len() == 1, "an 8/4/4 model whose int4 projections are past the bound kept its chains: {:?}", int4.report.notes);
}

/// `linear_matvec_carry_loads`: a persistent projection loads its next row group's first
/// round of words once the current group's are summed (before its row sums meet), and
/// round 0 of every group sums the words so carried; in a chain with early loads the
/// first group's are still issued before the wait. clang makes PTX of such a chain.
/// (Results: `llm_generate.rs` on PoCL; timing: the GPU.)
#[test]
fn persistent_projections_carry_their_next_row_groups_words() {
    const WALK: &str = "chain_dependent_dispatches = true\nchain_persistent_groups = 2\nlinear_matvec_persistent_groups = 2\nlinear_matvec_early_loads = true\ndecode_attention_split_keys = 8";
    let walking = compile(WALK);
    let carrying = compile(&format!("{WALK}\nlinear_matvec_carry_loads = true"));
    assert_eq!(dispatch_shapes(&walking), dispatch_shapes(&carrying), "carrying changes no dispatch");
    let carried: Vec<&(String, String)> = carrying.sources.iter().filter(|(_, s)| s.contains("        cw0 = ")).collect();
    assert!(!carried.is_empty(), "no projection carries its next row group's words");
    for (name, src) in &carried {
        for m in src.split("    // member ").filter(|m| m.contains("        cw0 = ")) {
            let walk = m.find("for (uint rgroup = group; rgroup < ").expect("a walking projection");
            let (sum, load, meet) = (m[walk..].find("cw0"), m[walk..].find("        cw0 = "), m[walk..].find("drift_lanes_sum(acc"));
            assert!(matches!((sum, load, meet), (Some(s), Some(l), Some(r)) if s < l && l < r), "{name}: not summed, then loaded for the next group, then met");
            assert!(m[walk..].contains("if (rgroup + 2u < ") && m[..walk].contains("cw0 = "), "{name}: the carry is not of the next row group, or the first group's words are not loaded before the walk");
            // (A member that stages nothing, e.g. down_proj, has no early words: its first
            // group's load after its wait, right before the walk.)
            let (early, wait) = (m.find("cw0 = "), m.find("drift_sync_wait("));
            assert!(!m.contains("// drift: early loads issued") || wait.is_none() || matches!((early, wait), (Some(e), Some(w)) if e < w), "{name}: the first group's early words load after the wait");
        }
    }
    let chained: Vec<&(String, String)> = carried.into_iter().filter(|(_, s)| s.contains("__global uint* drift_sync")).collect();
    assert!(!chained.is_empty(), "no chained kernel carries");
    for (name, ptx) in ptx_of("carry", chained.into_iter().take(1)) {
        assert!(ptx.contains(".entry") && ptx.contains("ld.acquire.gpu.global.u32"), "{name}: no chained kernel in the PTX");
    }
    refused("linear_matvec_carry_loads = true", "needs tuning.linear_matvec_persistent_groups");
}

/// `chain_prefetch_next_share`: in a persistent chain, a workgroup starting a share of a
/// member with more shares than workgroups asks the L2 for its next share's weights
/// (bytes [g·⌊S/G⌋, (g+1)·⌊S/G⌋) of each weight, g the next share) before the share's body.
#[test]
fn persistent_chains_prefetch_each_next_share() {
    let chained = compile("chain_dependent_dispatches = true\nchain_persistent_groups = 3\nchain_prefetch_next_share = true");
    let mut seen = 0;
    for (name, src) in chained.sources.iter().filter(|(_, s)| s.contains("__global uint* drift_sync")) {
        for m in src.split("    // member ").skip(1) {
            let groups: u64 = m.split(", ").nth(1).and_then(|t| t.split(' ').next()).and_then(|n| n.parse().ok()).expect("the member's shares");
            let walk = m.find("for (uint drift_share").expect("the walk");
            match m.find("const uint drift_next = drift_share + drift_launched;") {
                Some(at) => {
                    assert!(groups > 3 && at > walk && m[at..].contains("(ulong)drift_next * "), "{name}: member of {groups} shares: {}", &m[..m.len().min(400)]);
                    assert!(m[at..].find("prefetch.global.L2").is_some_and(|p| at + p < m.len()), "{name}: no prefetch after the next share's index");
                    seen += 1;
                }
                None => assert!(groups <= 3 || !m.contains("drift_ld_stream"), "{name}: a member of {groups} shares streams weights but prefetches none"),
            }
        }
    }
    assert!(seen > 0, "no member prefetches its next share");
    let ptxs = ptx_of("next-share", chained.sources.iter().filter(|(_, s)| s.contains("drift_next")).take(1));
    assert!(ptxs.iter().all(|(_, p)| p.contains("prefetch.global.L2")) && !ptxs.is_empty(), "no prefetch in the PTX");
    refused("chain_dependent_dispatches = true\nchain_prefetch_next_share = true", "needs tuning.chain_persistent_groups");
}
