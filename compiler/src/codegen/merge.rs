//! Horizontal fusion of dispatches (`tuning.merge_independent_dispatches`): consecutive
//! workgroup-cooperative kernels of one program that touch no memory another of them
//! writes run as one kernel (WGSL or OpenCL C) whose workgroups branch, on their workgroup
//! index (uniform control flow, so member bodies keep their barriers), to their member's
//! body with `group` rebased to it. Each member keeps its own bindings (renamed
//! `b<m>_<key>`); the workgroup arrays are shared, each as long as its longest member needs
//! (one member runs per workgroup). One launch and one tail instead of several: a decode
//! step's q, k and v projections are each too small to fill a large GPU on their own.
//! (Through Vulkan on the H200 this measured no change: with no barrier between them, the
//! driver already overlaps such dispatches. Through NVIDIA's OpenCL, whose in-order queue
//! runs each kernel after the last has drained, a 1B decode step went 1515.7 -> 1349.8 us.)

use std::collections::HashMap;

use tera::Tera;

use super::render::{render_body, RenderBinding};
use super::{helpers, Access, KernelSpec, Lang, WorkgroupArray};
use runtime_min::bundle::BufferRange;

/// One member of a merged kernel: its spec, its bindings and its fused epilogue, as for a
/// kernel of its own (binding variables `b_<key>`, renamed `b<m>_<key>` in the merged
/// source).
pub struct Member<'a> {
    pub spec: &'a KernelSpec,
    pub bindings: &'a [RenderBinding],
    pub epilogue: &'a str,
    /// The memory its bindings touch, one range per OpenCL parameter, in order.
    pub ranges: &'a [(BufferRange, Access)],
}

/// How a merged kernel's members that depend on earlier members wait for them
/// (`tuning.chain_dependent_dispatches`, OpenCL C only).
#[derive(Debug, Clone, Copy)]
pub struct Chain {
    /// The counters' OpenCL C atomics instead of PTX (`tuning.opencl_ptx_mma_emulated`).
    pub emulated: bool,
    /// At most this many workgroups, each walking every N-th share of each member
    /// (`tuning.chain_persistent_groups`); 0: one workgroup per share, by tickets.
    pub persistent: u32,
    /// Persistent workgroups ask the L2 for their first share's weights before a wait
    /// (`tuning.chain_prefetch_first_share`; PTX).
    pub prefetch: bool,
    /// Persistent workgroups ask the L2 for their next share's weights as they start a
    /// share (`tuning.chain_prefetch_next_share`; PTX).
    pub prefetch_next: bool,
    /// PTX waits that poll without sleeping and signals ordered by the signalling lane's
    /// release alone (`tuning.chain_spin_waits`).
    pub spin: bool,
    /// Parameters a kernel may take (the target's); past it the members' buffers are
    /// bound through [`covers`] ([`uses_covers`]).
    pub max_bindings: usize,
}

/// Counters of a chained kernel, 32-bit words in one range of the activations pool that
/// every chained kernel shares (an in-order queue runs one at a time, and each leaves them
/// zero): the ticket that numbers workgroups in start order, the workgroups out, then one
/// per member, its workgroups done.
pub const SYNC_TICKET: usize = 0;
pub const SYNC_EXITED: usize = 1;
pub const SYNC_MEMBERS: usize = 2;

/// Words of counters a chained kernel of `members` members uses.
pub fn sync_words(members: usize) -> usize {
    SYNC_MEMBERS + members
}

/// Per member, the earlier members whose memory it touches where one of the two writes:
/// it must wait for all of their workgroups.
pub fn dependencies(ranges: &[&[(BufferRange, Access)]]) -> Vec<Vec<usize>> {
    ranges.iter().enumerate().map(|(k, rk)| (0..k).filter(|&j| ranges.get(j).is_some_and(|rj| conflict(rj, rk))).collect()).collect()
}

fn conflict(a: &[(BufferRange, Access)], b: &[(BufferRange, Access)]) -> bool {
    a.iter().any(|(ra, xa)| b.iter().any(|(rb, xb)| (*xa == Access::Write || *xb == Access::Write) && overlaps(ra, rb)))
}

/// `src` with every identifier that `names` maps replaced by its image.
fn rename_identifiers(src: &str, names: &HashMap<String, String>) -> String {
    let mut out = String::with_capacity(src.len() + src.len() / 8);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(names.get(word.as_str()).map_or(word.as_str(), String::as_str));
        word.clear();
    };
    for c in src.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// A kernel's parameters' memory: one range and its access each.
pub type Ranges = Vec<(BufferRange, Access)>;

/// Pools whose ranges a chained kernel reaches through one parameter each (weights and
/// activations, always buffers); ranges in later pools (images) stay parameters of their own.
const COVERED_POOLS: u32 = 2;

/// A chained kernel's bindings: per covered pool its members touch, in pool order, one
/// range from the lowest offset they touch there to the highest end (written where any of
/// them writes there); and, apart, the ranges in other pools, each as it is. Members reach
/// their tensors at constant offsets into the covers, so a chain's parameters stay a few
/// however many members it has (a decode step's layers in one kernel).
pub fn covers<'a>(ranges: impl IntoIterator<Item = &'a (BufferRange, Access)>) -> (Ranges, Ranges) {
    let mut covered: Ranges = Vec::new();
    let mut own = Vec::new();
    for &(r, a) in ranges {
        if r.pool >= COVERED_POOLS {
            own.push((r, a));
            continue;
        }
        match covered.iter_mut().find(|(c, _)| c.pool == r.pool) {
            Some((c, ca)) => {
                let end = c.offset.saturating_add(c.size).max(r.offset.saturating_add(r.size));
                c.offset = c.offset.min(r.offset);
                c.size = end - c.offset;
                if a == Access::Write {
                    *ca = Access::Write;
                }
            }
            None => covered.push((r, a)),
        }
    }
    covered.sort_by_key(|(c, _)| c.pool);
    (covered, own)
}

/// What a candidate brings to a group: its spec and the memory it touches.
pub struct Candidate<'a> {
    pub spec: &'a KernelSpec,
    pub ranges: &'a [(BufferRange, Access)],
}

fn overlaps(a: &BufferRange, b: &BufferRange) -> bool {
    a.pool == b.pool && a.offset < b.offset.saturating_add(b.size) && b.offset < a.offset.saturating_add(a.size)
}

/// Workgroup arrays of a merged kernel: every name once, as long as its longest use.
/// `None` when one name is declared with two element types.
fn shared_arrays<'a>(specs: impl IntoIterator<Item = &'a KernelSpec>) -> Option<Vec<WorkgroupArray>> {
    let mut out: Vec<WorkgroupArray> = Vec::new();
    for s in specs {
        for a in &s.workgroup_arrays {
            match out.iter_mut().find(|o| o.name == a.name) {
                Some(o) if o.elem != a.elem => return None,
                Some(o) => {
                    o.len = o.len.max(a.len);
                    o.align = o.align.max(a.align);
                }
                None => out.push(a.clone()),
            }
        }
    }
    Some(out)
}

/// The spec a merged kernel declares (shared memory, requirements): the members' maxima.
pub fn merged_spec(specs: &[&KernelSpec]) -> Option<KernelSpec> {
    let first = specs.first()?;
    let groups: u64 = specs.iter().map(|s| s.invocations / u64::from(s.workgroup.max(1))).sum();
    let mut m = KernelSpec::cooperative(first.template, groups, first.workgroup);
    m.shared_per_lane = specs.iter().map(|s| s.shared_per_lane).max().unwrap_or(1);
    m.shared_vec4 = specs.iter().map(|s| s.shared_vec4).max().unwrap_or(0);
    m.workgroup_arrays = shared_arrays(specs.iter().copied())?;
    m.cooperative_matrix = specs.iter().any(|s| s.cooperative_matrix);
    m.int8_dot = specs.iter().any(|s| s.int8_dot);
    m.subgroup_arithmetic = specs.iter().any(|s| s.subgroup_arithmetic);
    Some(m)
}

/// Bindings a bundle's kernel may declare (runtime-min refuses more).
const MAX_BINDINGS: usize = 64;

/// What bounds a merged kernel: workgroups in its one grid row, bytes of workgroup memory,
/// storage-buffer bindings.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    pub max_x: u64,
    pub max_shared: u32,
    pub max_bindings: usize,
    /// Bytes one binding may span (a chained kernel's cover of a pool, [`covers`]).
    pub max_range: u64,
}

/// Whether `next` may join `group` (whose members are consecutive dispatches of the same
/// programs): both cooperative with the same workgroup size, every member's workgroups in
/// one grid row, the merged shared memory and bindings within `bounds`, and no memory one
/// of them writes touched by another. A candidate's `ranges` are its bindings, one each.
pub fn may_join(group: &[Candidate<'_>], next: &Candidate<'_>, bounds: Bounds) -> bool {
    fits(group, next, bounds, 0) && !group.iter().any(|c| conflict(c.ranges, next.ranges))
}

/// Whether `next` may join `group` as a chained member (`tuning.chain_dependent_dispatches`):
/// as [`may_join`] but memory may be shared (the later member waits), with the counters
/// as one binding more (and past the parameter bound, the members' [`covers`]).
///
/// Only kernels of one template chain, or of several that all appear in `templates`
/// (`tuning.chain_templates`): a merged kernel runs with the registers its hungriest
/// member needs, and on the H200 (2026-12-03) chaining the decode attention with the
/// projections around it, one workgroup per share (tickets), made a 1B f16 step 1157 ->
/// 1375 us (the projections' workgroups fewer per multiprocessor).
pub fn may_chain(group: &[Candidate<'_>], next: &Candidate<'_>, bounds: Bounds, templates: &[String]) -> bool {
    let listed = |t: &str| templates.iter().any(|x| x == t);
    let same = group.iter().all(|c| c.spec.template == next.spec.template);
    (same || (listed(next.spec.template) && group.iter().all(|c| listed(c.spec.template)))) && fits(group, next, bounds, 1)
}

/// Whether a chained kernel of members with `params` parameters in all binds them
/// through [`covers`]: only where they and the counters exceed `max_bindings`. (Members
/// reaching their tensors at offsets from one parameter cost registers: on the H200,
/// 2026-12-03, a 1B f16 chain that had run two workgroups per multiprocessor, so at most
/// 128 registers per lane, took 136 through covers and fit only one.)
pub fn uses_covers(params: usize, max_bindings: usize) -> bool {
    params.saturating_add(1) > max_bindings.min(MAX_BINDINGS)
}

/// Whether the merged kernel of `group` and `next` stays within `bounds` with `extra`
/// bindings more, all cooperative with one workgroup size. A chained kernel (`extra` > 0)
/// whose parameters are too many binds its members' buffers through [`covers`], each
/// within `bounds.max_range`.
fn fits(group: &[Candidate<'_>], next: &Candidate<'_>, bounds: Bounds, extra: usize) -> bool {
    let Bounds { max_x, max_shared, max_bindings, max_range } = bounds;
    let Some(first) = group.first() else { return true };
    // (A kernel with counters of its own runs alone: they are not renamed per member.)
    if !next.spec.cooperative || !first.spec.cooperative || next.spec.workgroup != first.spec.workgroup || next.spec.counters > 0 || group.iter().any(|c| c.spec.counters > 0) {
        return false;
    }
    let all = group.iter().flat_map(|c| c.ranges.iter()).chain(next.ranges.iter());
    let params = all.clone().count();
    let bindings = if extra > 0 && uses_covers(params, max_bindings) {
        let (covered, own) = covers(all);
        if covered.iter().any(|(r, _)| r.size > max_range) {
            return false;
        }
        covered.len().saturating_add(own.len())
    } else {
        params
    }
    .saturating_add(extra);
    if bindings > max_bindings.min(MAX_BINDINGS) {
        return false;
    }
    let wg = u64::from(next.spec.workgroup.max(1));
    let groups: u64 = group.iter().map(|c| c.spec.invocations / wg).sum::<u64>().saturating_add(next.spec.invocations / wg);
    if groups > max_x {
        return false;
    }
    let specs: Vec<&KernelSpec> = group.iter().map(|c| c.spec).chain([next.spec]).collect();
    // (A chained kernel's ticket takes 4 bytes more, counted as 16.)
    matches!(merged_spec(&specs), Some(m) if u64::from(m.shared_bytes()) + if extra > 0 { 16 } else { 0 } <= u64::from(max_shared))
}

/// Source of the kernel running `members` in one dispatch (their common workgroup size,
/// in `lang`: WGSL, or OpenCL C where an in-order queue would otherwise wait out each
/// member's tail), with the spec it declares: member m owns the next
/// `invocations / workgroup` workgroups of a one-row grid.
///
/// With `chain` (OpenCL C), members may depend on earlier ones ([`dependencies`]): the
/// kernel takes one more parameter, `drift_sync` (the counters, [`sync_words`]), its
/// workgroups take their index from the ticket (so every lower index belongs to a
/// workgroup already running, which never waits on a higher one: no deadlock whatever
/// order the GPU starts workgroups in), a dependent member's workgroups wait for every
/// workgroup of what it depends on, and only parameters into the weights pool keep
/// `restrict` (one member's output is another's input; no read-only cache path for them).
/// With `chain.persistent`, at most that many workgroups walk the members' shares instead
/// ([`persistent_members`]: no tickets; every launched workgroup must be resident).
pub fn render_merged(tera: &Tera, lang: Lang, members: &[Member<'_>], chain: Option<Chain>) -> Result<(String, KernelSpec, Ranges), String> {
    let specs: Vec<&KernelSpec> = members.iter().map(|m| m.spec).collect();
    let mut merged = merged_spec(&specs).ok_or("members declare one workgroup array with two element types")?;
    if chain.is_some() && lang != Lang::OpenclC {
        return Err("chained members (waits between them) are OpenCL C only".into());
    }
    let deps = dependencies(&members.iter().map(|m| m.ranges).collect::<Vec<_>>());
    let waited: Vec<bool> = (0..members.len()).map(|k| deps.iter().any(|d| d.contains(&k))).collect();
    let persistent = chain.map_or(0, |c| c.persistent);
    if persistent > 0 {
        let total_groups = merged.invocations / u64::from(merged.workgroup.max(1));
        merged.invocations = total_groups.min(u64::from(persistent)).saturating_mul(u64::from(merged.workgroup));
    }
    let workgroup = merged.workgroup;
    let mut bodies = Vec::with_capacity(members.len());
    let mut renamed: Vec<Vec<RenderBinding>> = Vec::with_capacity(members.len());
    for (k, m) in members.iter().enumerate() {
        let body = render_body(tera, m.spec.template, m.bindings, &m.spec.params, m.epilogue)?;
        if chain.is_some() && has_return(&body) {
            return Err(format!("member '{}' returns early: a chained member's workgroups must all reach its signal", m.spec.template));
        }
        // Op parameters and epilogues name bindings too (accessor strings): renamed in the
        // rendered text, object variables (`b_x0`, `b_x1`) included.
        let mut names = HashMap::new();
        let mut own = Vec::with_capacity(m.bindings.len());
        for b in m.bindings {
            let mut desc = b.desc.clone();
            let key = desc.var.strip_prefix("b_").ok_or_else(|| format!("binding variable '{}' does not start with b_", desc.var))?.to_string();
            desc.var = format!("b{k}_{key}");
            for (old, new) in helpers::object_vars(&b.desc).into_iter().zip(helpers::object_vars(&desc)) {
                names.insert(old, new);
            }
            own.push(RenderBinding { key: b.key.clone(), desc, access: b.access });
        }
        bodies.push(rename_identifiers(&body, &names));
        renamed.push(own);
    }
    let all: String = bodies.concat();
    // The kernel's parameters' ranges, in order (a chained kernel's counters follow them).
    let mut bindings: Ranges = Vec::new();
    // A chained kernel's member pointers into its covers (macros before the kernel).
    let mut pointers = String::new();
    let shared_floats = u64::from(workgroup) * u64::from(merged.shared_per_lane.max(1));
    let mut out = String::new();
    match lang {
        Lang::Wgsl => {
            let f16 = renamed.iter().any(|b| super::render::uses_f16(b, &merged.workgroup_arrays)) || merged.cooperative_matrix;
            super::render::wgsl_enables(&mut out, f16, merged.cooperative_matrix);
            let mut next = 0;
            for b in &renamed {
                super::render::wgsl_bindings(&mut out, b, &mut next);
            }
            bindings = members.iter().flat_map(|m| m.ranges.iter().copied()).collect();
            out.push_str(&super::library::prelude_for(lang, &all));
            for a in &merged.workgroup_arrays {
                out.push_str(&format!("\nvar<workgroup> {}: array<{}, {}>;", a.name, a.elem.wgsl(), a.len));
            }
            if merged.shared_vec4 > 0 {
                out.push_str(&format!("\nvar<workgroup> drift_shared4: array<vec4<f32>, {}>;", merged.shared_vec4));
            }
            out.push_str(&format!(
                "\nvar<workgroup> drift_shared: array<f32, {shared_floats}>;\n\n@compute @workgroup_size({workgroup})\nfn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {{\n    let drift_member_group: u32 = wid.x;\n    let lane: u32 = lid.x;\n"
            ));
        }
        Lang::OpenclC => {
            let mut params: Vec<String> = Vec::new();
            // A chain of too many parameters binds each buffer pool once ([`covers`]), its
            // members' pointers constant offsets into those. Only pointers into the weights
            // pool keep `restrict`: one member's output is another's input, no read-only
            // cache path for them.
            let tensors = members.iter().map(|m| m.ranges.len()).sum::<usize>();
            let (covered, _) = match chain {
                Some(c) if uses_covers(tensors, c.max_bindings) => covers(members.iter().flat_map(|m| m.ranges.iter())),
                _ => (Vec::new(), Vec::new()),
            };
            for (c, a) in &covered {
                let (konst, restrict) = if *a == Access::Read { ("const ", if c.pool == 0 { "restrict " } else { "" }) } else { ("", "") };
                params.push(format!("__global {konst}uchar* {restrict}drift_pool{}", c.pool));
                bindings.push((*c, *a));
            }
            for (b, m) in renamed.iter().zip(members) {
                let own = super::render::opencl_params(b);
                if chain.is_none() {
                    params.extend(own);
                    bindings.extend(m.ranges.iter().copied());
                    continue;
                }
                if own.len() != m.ranges.len() {
                    return Err(format!("member '{}': {} parameters for {} ranges", m.spec.template, own.len(), m.ranges.len()));
                }
                for (p, (r, a)) in own.into_iter().zip(m.ranges) {
                    let p = if r.pool == 0 { p } else { p.replace("* restrict ", "* ") };
                    match covered.iter().find(|(c, _)| c.pool == r.pool) {
                        Some((c, _)) if !p.contains("image2d_t") => {
                            let (ty, var) = p.rsplit_once(' ').unwrap_or(("", p.as_str()));
                            let ty = ty.replace(" restrict", "");
                            pointers.push_str(&format!("#define {var} (({ty})(drift_pool{} + {}ul))\n", r.pool, r.offset.saturating_sub(c.offset)));
                        }
                        _ => {
                            params.push(p);
                            bindings.push((*r, *a));
                        }
                    }
                }
            }
            let sync_fns = match chain {
                Some(c) => {
                    params.push("__global uint* drift_sync".into());
                    Some(match (c.emulated, c.spin) {
                        (true, _) => SYNC_EMULATED_CL.to_string(),
                        (false, false) => SYNC_PTX_CL.to_string(),
                        (false, true) => SYNC_PTX_CL.replace(PTX_POLL_SLEEP, "").replace(PTX_SIGNAL_FENCE, "    barrier("),
                    })
                }
                None => None,
            };
            out.push_str(&super::library::prelude_for(lang, &all));
            if let Some(f) = &sync_fns {
                out.push_str(f);
            }
            // (Macros, not variables: each use is the cover's parameter plus a constant, as a
            // parameter of its own was, and holds no register across the members.)
            out.push_str(&pointers);
            out.push_str(&format!("__kernel __attribute__((reqd_work_group_size({workgroup}, 1, 1)))\nvoid k_main({}) {{\n", params.join(", ")));
            out.push_str(&super::render::opencl_locals(shared_floats, merged.shared_vec4, &merged.workgroup_arrays));
            if persistent > 0 {
                // (The launched count is read at run time: a runtime may launch fewer
                // workgroups than compiled, down to what the device holds at once.)
                out.push_str("    const uint lane = (uint)get_local_id(0);\n    const uint drift_wid = (uint)get_group_id(0);\n    const uint drift_launched = (uint)get_num_groups(0);\n");
            } else if chain.is_some() {
                out.push_str(&format!("    __local uint drift_ticket[1];\n    const uint lane = (uint)get_local_id(0);\n    if (lane == 0u) {{\n        drift_ticket[0] = drift_sync_ticket(drift_sync + {SYNC_TICKET}u);\n    }}\n    barrier(CLK_LOCAL_MEM_FENCE);\n    const uint drift_member_group = drift_ticket[0];\n"));
            } else {
                out.push_str("    const uint drift_member_group = (uint)get_group_id(0);\n    const uint lane = (uint)get_local_id(0);\n");
            }
        }
    }
    if let Some(c) = chain.filter(|c| c.persistent > 0) {
        let launched = merged.invocations / u64::from(workgroup.max(1));
        let direct = transitive_reduction(&deps);
        let waited: Vec<bool> = (0..members.len()).map(|k| direct.iter().any(|d| d.contains(&k))).collect();
        out.push_str(&persistent_members(members, &bodies, &renamed, &direct, &waited, c, launched, workgroup)?);
        out.push_str(&format!("    drift_sync_exit(drift_sync, drift_sync + {SYNC_EXITED}u, lane, drift_launched, {}u);\n}}\n", sync_words(members.len())));
        return Ok((out, merged, bindings));
    }
    let mut start = 0u64;
    let last = members.len().saturating_sub(1);
    for (k, (m, body)) in members.iter().zip(&bodies).enumerate() {
        let groups = m.spec.invocations / u64::from(workgroup.max(1));
        let end = start.saturating_add(groups);
        let head = match k {
            0 if last == 0 => "    {\n".to_string(),
            0 => format!("    if (drift_member_group < {end}u) {{\n"),
            k if k == last => "    } else {\n".to_string(),
            _ => format!("    }} else if (drift_member_group < {end}u) {{\n"),
        };
        out.push_str(&head);
        let rebased = format!("min(drift_member_group - {start}u, {}u)", groups.saturating_sub(1));
        out.push_str(&match lang {
            Lang::Wgsl => format!("    let group: u32 = {rebased};\n"),
            Lang::OpenclC => format!("    const uint group = {rebased};\n"),
        });
        if chain.is_some() {
            for j in deps.get(k).into_iter().flatten() {
                let g = members.get(*j).map_or(0, |m| m.spec.invocations / u64::from(workgroup.max(1)));
                out.push_str(&format!("    drift_sync_wait(drift_sync + {}u, {g}u, lane);\n", SYNC_MEMBERS + j));
            }
        }
        out.push_str(body);
        if chain.is_some() && waited.get(k).copied().unwrap_or(false) {
            out.push_str(&format!("    drift_sync_done(drift_sync + {}u, lane);\n", SYNC_MEMBERS + k));
        }
        start = end;
    }
    out.push_str("    }\n");
    if chain.is_some() {
        out.push_str(&format!("    drift_sync_exit(drift_sync, drift_sync + {SYNC_EXITED}u, lane, {start}u, {}u);\n", sync_words(members.len())));
    }
    out.push_str("}\n");
    Ok((out, merged, bindings))
}

/// Per member, the members of `deps` it must wait for itself: those no other of its
/// dependencies depends on, directly or not (a member's counter completes only after each
/// of its workgroups waited for that member's own dependencies).
pub fn transitive_reduction(deps: &[Vec<usize>]) -> Vec<Vec<usize>> {
    // Everything each member depends on, directly or not (dependencies are earlier members).
    let mut reach: Vec<Vec<bool>> = Vec::with_capacity(deps.len());
    for d in deps {
        let mut r = vec![false; deps.len()];
        for &j in d {
            if let Some(x) = r.get_mut(j) {
                *x = true;
            }
            for (i, &via) in reach.get(j).map(Vec::as_slice).unwrap_or_default().iter().enumerate() {
                if via {
                    if let Some(x) = r.get_mut(i) {
                        *x = true;
                    }
                }
            }
        }
        reach.push(r);
    }
    deps.iter().map(|d| d.iter().copied().filter(|&j| !d.iter().any(|&i| i != j && reach.get(i).and_then(|r| r.get(j)).copied().unwrap_or(false))).collect()).collect()
}

/// The line a decode projection's body holds once its early weight loads are issued
/// (templates/opencl/linear_matvec.cl.tera, `early`).
pub const EARLY_LOADS_ISSUED: &str = "    // drift: early loads issued\n";

/// Bytes one L2 prefetch request covers (a line).
const LINE: u64 = 128;

/// The members of a persistent chained kernel compiled for `launched` workgroups (OpenCL
/// C; it reads the count launched, `drift_launched`, at run time: a runtime may launch
/// fewer, at least one): each member in turn, every workgroup with a share of it waits
/// once for the members it depends on (after prefetching its first share's weights, with
/// `chain.prefetch`), walks shares `drift_wid`, `drift_wid + drift_launched`, ... (each
/// starting with a prefetch of the
/// next, with `chain.prefetch_next`; a barrier after each: the next share
/// reuses the workgroup memory), and adds the shares it did to the member's counter where
/// a later member waits on it. Every wait is on earlier members only, so with every
/// launched workgroup resident no wait can deadlock.
#[allow(clippy::too_many_arguments)]
fn persistent_members(members: &[Member<'_>], bodies: &[String], renamed: &[Vec<RenderBinding>], deps: &[Vec<usize>], waited: &[bool], chain: Chain, launched: u64, workgroup: u32) -> Result<String, String> {
    let mut out = String::new();
    let groups_of = |m: &Member<'_>| m.spec.invocations / u64::from(workgroup.max(1));
    for (k, (m, body)) in members.iter().zip(bodies).enumerate() {
        let groups = groups_of(m);
        out.push_str(&format!("    // member {k}: {}, {groups} workgroups' shares\n    if (drift_wid < {groups}u) {{\n", m.spec.template));
        let waits = deps.get(k).map(Vec::as_slice).unwrap_or_default();
        let own = renamed.get(k).map(Vec::as_slice).unwrap_or_default();
        if chain.prefetch && !chain.emulated && !waits.is_empty() {
            out.push_str(&share_prefetch(m, own, groups, workgroup, "drift_wid")?);
        }
        let mut wait = String::new();
        for j in waits {
            let g = members.get(*j).map_or(0, groups_of);
            wait.push_str(&format!("    drift_sync_wait(drift_sync + {}u, {g}u, lane);\n", SYNC_MEMBERS + j));
        }
        // A body that loads its first weights before its prologue (`linear_matvec_early_loads`)
        // waits after those loads, in its first share only: their memory latency passes under
        // the wait.
        let body: std::borrow::Cow<'_, str> = match body.split_once(EARLY_LOADS_ISSUED) {
            Some((before, after)) if !wait.is_empty() => format!("{before}    if (drift_share == drift_wid) {{\n{wait}    }}\n{after}").into(),
            _ => {
                out.push_str(&wait);
                body.as_str().into()
            }
        };
        out.push_str(&format!("    for (uint drift_share = drift_wid; drift_share < {groups}u; drift_share += drift_launched) {{\n    const uint group = drift_share;\n"));
        if chain.prefetch_next && !chain.emulated && groups > launched {
            // The next share's weights asked of the L2 as this one starts: their latency
            // passes under this share's loads and sums.
            let next = share_prefetch(m, own, groups, workgroup, "drift_next")?;
            if !next.is_empty() {
                out.push_str(&format!("    if (drift_share + drift_launched < {groups}u) {{\n    const uint drift_next = drift_share + drift_launched;\n{next}    }}\n"));
            }
        }
        out.push_str(&body);
        out.push_str("    barrier(CLK_LOCAL_MEM_FENCE);\n    }\n");
        if waited.get(k).copied().unwrap_or(false) {
            out.push_str(&format!("    drift_sync_done_n(drift_sync + {}u, lane, ({groups}u - drift_wid + drift_launched - 1u) / drift_launched);\n", SYNC_MEMBERS + k));
        }
        out.push_str("    }\n");
    }
    Ok(out)
}

/// OpenCL C asking the L2 for share `share` (an OpenCL C expression: the first,
/// `drift_wid`, or the next) of each weight a member reads (its parameters into the
/// weights pool of at least a line per share): share g of a weight of S bytes is taken as
/// bytes [g·⌊S/G⌋, (g+1)·⌊S/G⌋) of G shares, one line per lane and round. An
/// approximation where a share's rows are not in order (RoPE's q and k projections read
/// two half-head row blocks): a hint, never a load the results depend on.
fn share_prefetch(m: &Member<'_>, renamed: &[RenderBinding], groups: u64, workgroup: u32, share_of: &str) -> Result<String, String> {
    let params = super::render::opencl_params(renamed);
    if params.len() != m.ranges.len() {
        return Err(format!("member '{}': {} parameters for {} ranges", m.spec.template, params.len(), m.ranges.len()));
    }
    let mut out = String::new();
    for (p, (r, a)) in params.iter().zip(m.ranges) {
        let share = r.size / groups.max(1);
        if r.pool != 0 || *a != Access::Read || share < LINE || p.contains("image2d_t") {
            continue;
        }
        let var = p.rsplit(' ').next().unwrap_or_default().trim_start_matches('*');
        out.push_str(&format!(
            "    for (ulong off = (ulong)lane * {LINE}ul; off < {share}ul; off += {}ul) {{\n        __asm__ __volatile__(\"prefetch.global.L2 [%0];\" :: \"l\"((ulong){var} + (ulong){share_of} * {share}ul + off));\n    }}\n",
            u64::from(workgroup) * LINE
        ));
    }
    Ok(out)
}

/// Whether rendered kernel text holds the keyword `return` (a member body's early exit).
pub fn has_return(src: &str) -> bool {
    src.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).any(|w| w == "return")
}

/// A chained kernel's counters through PTX (NVIDIA): release adds after every lane's
/// fence, acquire loads (which also order each lane's later plain loads), short sleeps
/// between polls (each waiting workgroup's one lane polls one L2 line that the producers
/// add to). A wait gives up after 2^20 polls (about a second) rather than hang the
/// GPU; a wrong result then shows in the outputs.
const SYNC_PTX_CL: &str = "uint drift_sync_ticket(__global uint* c) {
    uint v;
    __asm__ __volatile__(\"atom.relaxed.gpu.global.add.u32 %0, [%1], 1;\" : \"=r\"(v) : \"l\"((ulong)c) : \"memory\");
    return v;
}
uint drift_sync_load(__global uint* c) {
    uint v;
    __asm__ __volatile__(\"ld.acquire.gpu.global.u32 %0, [%1];\" : \"=r\"(v) : \"l\"((ulong)c) : \"memory\");
    return v;
}
void drift_sync_wait(__global uint* c, uint target, uint lane) {
    if (lane == 0u) {
        for (uint spins = 0u; spins < 1048576u && drift_sync_load(c) < target; spins++) {
            __asm__ __volatile__(\"nanosleep.u32 256;\" ::: \"memory\");
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
    (void)drift_sync_load(c);
}
void drift_sync_done(__global uint* c, uint lane) {
    __asm__ __volatile__(\"fence.acq_rel.gpu;\" ::: \"memory\");
    barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
    if (lane == 0u) {
        __asm__ __volatile__(\"red.release.gpu.global.add.u32 [%0], 1;\" :: \"l\"((ulong)c) : \"memory\");
    }
}
void drift_sync_done_n(__global uint* c, uint lane, uint n) {
    __asm__ __volatile__(\"fence.acq_rel.gpu;\" ::: \"memory\");
    barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
    if (lane == 0u) {
        __asm__ __volatile__(\"red.release.gpu.global.add.u32 [%0], %1;\" :: \"l\"((ulong)c), \"r\"(n) : \"memory\");
    }
}
uint drift_sync_leave(__global uint* c) {
    uint v;
    __asm__ __volatile__(\"atom.acq_rel.gpu.global.add.u32 %0, [%1], 1;\" : \"=r\"(v) : \"l\"((ulong)c) : \"memory\");
    return v;
}
void drift_sync_exit(__global uint* s, __global uint* exited, uint lane, uint groups, uint words) {
    // (Acquire-release: a workgroup's signals land before its exit is counted, so the last
    // one out zeroes counters no signal adds to later.)
    if (lane == 0u && drift_sync_leave(exited) == groups - 1u) {
        __asm__ __volatile__(\"fence.acq_rel.gpu;\" ::: \"memory\");
        for (uint i = 0u; i < words; i++) {
            __asm__ __volatile__(\"st.relaxed.gpu.global.u32 [%0], 0;\" :: \"l\"((ulong)(s + i)) : \"memory\");
        }
    }
}
";

/// The lines `tuning.chain_spin_waits` drops from [`SYNC_PTX_CL`]: the sleep between
/// polls, and every lane's fence before a signal (the signalling lane's release add after
/// the workgroup barrier orders the workgroup's stores: the barrier synchronizes the lanes
/// and release is cumulative, as CUDA's grid sync relies on with one thread's fence and
/// add). Matched by indentation: the exit's fence (deeper) stays; tests count the fences.
const PTX_POLL_SLEEP: &str = "            __asm__ __volatile__(\"nanosleep.u32 256;\" ::: \"memory\");\n";
const PTX_SIGNAL_FENCE: &str = "    __asm__ __volatile__(\"fence.acq_rel.gpu;\" ::: \"memory\");\n    barrier(";

/// The same in OpenCL C atomics (`tuning.opencl_ptx_mma_emulated`).
const SYNC_EMULATED_CL: &str = "uint drift_sync_ticket(__global uint* c) {
    return atomic_inc(c);
}
void drift_sync_wait(__global uint* c, uint target, uint lane) {
    if (lane == 0u) {
        for (uint spins = 0u; spins < 1048576u && atomic_or(c, 0u) < target; spins++) {
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
    (void)atomic_or(c, 0u);
    mem_fence(CLK_GLOBAL_MEM_FENCE);
}
void drift_sync_done(__global uint* c, uint lane) {
    mem_fence(CLK_GLOBAL_MEM_FENCE);
    barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
    if (lane == 0u) {
        atomic_inc(c);
    }
}
void drift_sync_done_n(__global uint* c, uint lane, uint n) {
    mem_fence(CLK_GLOBAL_MEM_FENCE);
    barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
    if (lane == 0u) {
        atomic_add(c, n);
    }
}
void drift_sync_exit(__global uint* s, __global uint* exited, uint lane, uint groups, uint words) {
    mem_fence(CLK_GLOBAL_MEM_FENCE);
    if (lane == 0u && atomic_inc(exited) == groups - 1u) {
        for (uint i = 0u; i < words; i++) {
            atomic_xchg(s + i, 0u);
        }
    }
}
";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::TensorId;

    fn range(pool: u32, offset: u64, size: u64) -> BufferRange {
        BufferRange { pool, offset, size }
    }

    #[test]
    fn renames_whole_identifiers_only() {
        let names: HashMap<String, String> = [("b_x".to_string(), "b1_x".to_string()), ("b_x0".to_string(), "b1_x0".to_string())].into();
        assert_eq!(rename_identifiers("v = b_x[i] + b_x0[j] + b_xs[k] + ab_x;", &names), "v = b1_x[i] + b1_x0[j] + b_xs[k] + ab_x;");
    }

    #[test]
    fn a_member_depends_on_earlier_members_it_reads_from_or_overwrites() {
        // 0 writes a, reads x; 1 reads x, writes b (independent of 0); 2 reads a (after 0);
        // 3 writes x (0 and 1 read it: after both).
        let m0 = [(range(1, 0, 64), Access::Read), (range(1, 64, 64), Access::Write)];
        let m1 = [(range(1, 0, 64), Access::Read), (range(1, 128, 64), Access::Write)];
        let m2 = [(range(1, 64, 32), Access::Read), (range(1, 256, 64), Access::Write)];
        let m3 = [(range(0, 0, 64), Access::Read), (range(1, 32, 8), Access::Write)];
        assert_eq!(dependencies(&[&m0, &m1, &m2, &m3]), vec![vec![], vec![], vec![0], vec![0, 1]]);
        assert!(has_return("    if (i > n) {\n        return;\n    }"));
        assert!(!has_return("    float returned = drift_return_value;"));
    }

    #[test]
    fn a_member_waits_only_for_dependencies_not_implied_by_its_others() {
        // 1 after 0; 2 after 0 and 1 (0 implied by 1); 3 after 0, 1, 2 (only 2 needed); 4 after
        // 0 only; 5 after 3 and 4 (neither implies the other).
        let deps = vec![vec![], vec![0], vec![0, 1], vec![0, 1, 2], vec![0], vec![0, 3, 4]];
        assert_eq!(transitive_reduction(&deps), vec![vec![], vec![0], vec![1], vec![2], vec![0], vec![3, 4]]);
    }

    #[test]
    fn a_chain_binds_each_buffer_pool_once_and_images_apart() {
        let ranges = [
            (range(1, 1024, 64), Access::Read),
            (range(0, 512, 512), Access::Read),
            (range(1, 0, 64), Access::Write),
            (range(2, 0, 4096), Access::Read),
            (range(0, 4096, 1024), Access::Read),
        ];
        let (covered, own) = covers(&ranges);
        assert_eq!(covered, vec![(range(0, 512, 4608), Access::Read), (range(1, 0, 1088), Access::Write)]);
        assert_eq!(own, vec![(range(2, 0, 4096), Access::Read)]);
    }

    #[test]
    fn chains_mix_templates_only_where_listed_and_within_the_binding_range() {
        let matvec = KernelSpec::cooperative("linear_matvec", 4, 256);
        let attention = KernelSpec::cooperative("cached_attention_wg", 4, 256);
        let a = [(range(0, 0, 4096), Access::Read), (range(1, 0, 64), Access::Write)];
        let b = [(range(1, 0, 64), Access::Read), (range(0, 8192, 4096), Access::Read), (range(1, 512, 64), Access::Write)];
        let wide = Bounds { max_x: 1 << 16, max_shared: 49152, max_bindings: 64, max_range: 1 << 32 };
        let group = [Candidate { spec: &matvec, ranges: &a }];
        let next = Candidate { spec: &attention, ranges: &b };
        assert!(!may_chain(&group, &next, wide, &[]));
        let listed = ["linear_matvec".to_string(), "cached_attention_wg".to_string()];
        assert!(may_chain(&group, &next, wide, &listed));
        assert!(!may_chain(&group, &next, wide, &listed[1..]));
        // Five parameters and the counters: six bindings, or through covers (weights 12288
        // bytes, activations 576) and the counters, three; covers only past the bound.
        assert!(!uses_covers(5, 6) && uses_covers(5, 5));
        let three = Bounds { max_bindings: 3, ..wide };
        assert!(may_chain(&group, &next, three, &listed));
        assert!(!may_chain(&group, &next, Bounds { max_bindings: 2, ..wide }, &listed));
        assert!(may_chain(&group, &next, Bounds { max_range: 12288, ..three }, &listed));
        assert!(!may_chain(&group, &next, Bounds { max_range: 12287, ..three }, &listed));
        assert!(may_chain(&group, &next, Bounds { max_range: 12287, ..wide }, &listed));
    }

    #[test]
    fn joins_only_independent_cooperative_kernels_of_one_workgroup_size() {
        let spec = KernelSpec::cooperative("linear_matvec", 4, 256).read("x", TensorId::from_index(0));
        let other_size = KernelSpec::cooperative("linear_matvec", 4, 128);
        let elementwise = KernelSpec::new("elementwise", 1024, 256);
        let reads_x = [(range(1, 0, 64), Access::Read), (range(1, 64, 64), Access::Write)];
        let writes_x = [(range(1, 32, 16), Access::Write)];
        let reads_x_too = [(range(1, 0, 64), Access::Read), (range(1, 128, 64), Access::Write)];
        let group = [Candidate { spec: &spec, ranges: &reads_x }];
        let wide = Bounds { max_x: 1 << 16, max_shared: 49152, max_bindings: 64, max_range: 1 << 32 };
        // Two readers of one range, each writing its own: independent.
        let next = Candidate { spec: &spec, ranges: &reads_x_too };
        assert!(may_join(&group, &next, wide));
        // A write into what a member reads: not.
        assert!(!may_join(&group, &Candidate { spec: &spec, ranges: &writes_x }, wide));
        assert!(!may_join(&group, &Candidate { spec: &other_size, ranges: &reads_x_too }, wide));
        assert!(!may_join(&group, &Candidate { spec: &elementwise, ranges: &reads_x_too }, wide));
        // Eight workgroups in all: not within a grid row of 7.
        assert!(!may_join(&group, &next, Bounds { max_x: 7, ..wide }));
        // Members share drift_shared (256 lanes x 4 bytes, not twice that): within 1024 bytes
        // of workgroup memory, not within 1023.
        assert!(may_join(&group, &next, Bounds { max_shared: 1024, ..wide }));
        assert!(!may_join(&group, &next, Bounds { max_shared: 1023, ..wide }));
        // Four bindings in all: within 4, not within 3 (WebGPU's default is 8).
        assert!(may_join(&group, &next, Bounds { max_bindings: 4, ..wide }));
        assert!(!may_join(&group, &next, Bounds { max_bindings: 3, ..wide }));
        // A kernel with counters of its own (KernelSpec::counters) runs alone, either way
        // round, chained or not.
        let counting = spec.clone().counters(2);
        assert!(!may_join(&group, &Candidate { spec: &counting, ranges: &reads_x_too }, wide));
        assert!(!may_join(&[Candidate { spec: &counting, ranges: &reads_x }], &next, wide));
        assert!(!may_chain(&group, &Candidate { spec: &counting, ranges: &reads_x_too }, wide, &[]));
    }
}
