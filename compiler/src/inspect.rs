//! `driftc inspect`: a deterministic text (or JSON) dump of a bundle's header and
//! manifest, used by golden files and by people. No hashes of code, no paths.

use std::fmt::Write;

use runtime_min::bundle::{BundleView, Manifest};

pub fn text(view: &BundleView<'_>) -> String {
    let m: &Manifest = &view.manifest;
    let mut o = String::new();
    let _ = writeln!(o, "bundle format v{} target {} api {} precision {:?} model {}", view.header.version, m.target, m.api, m.precision, m.source_model);
    let _ = writeln!(o, "sections: manifest {} B, kernels {} B, weights {} B", view.header.manifest.1, view.header.kernels.1, view.header.weights.1);
    let r = &m.requirements;
    let _ = writeln!(o, "requires: fp16={} int8_dot={} cooperative_matrix={} subgroup_arithmetic={} subgroup_size={} max_binding={} max_workgroup={} device_memory={}", r.fp16, r.int8_dot, r.cooperative_matrix, r.subgroup_arithmetic, r.subgroup_size, r.max_binding_range, r.max_workgroup_invocations, r.device_memory_bytes);
    let p = &m.plan;
    let _ = writeln!(o, "plan: {} naive={} planned={} lower_bound={}", p.strategy, p.naive_bytes, p.planned_bytes, p.lower_bound_bytes);
    for (i, pool) in m.pools.iter().enumerate() {
        let image = pool.image.map(|g| format!(" {:?} {}x{} {:?}", g.kind, g.width, g.height, g.elem)).unwrap_or_default();
        let _ = writeln!(o, "pool[{i}] {} {:?} {} B{image}", pool.name, pool.role, pool.size);
    }
    for (kind, list) in [("input", &m.inputs), ("output", &m.outputs)] {
        for &t in list.iter() {
            if let Some(t) = m.tensors.get(t as usize) {
                let s = &t.storage;
                let _ = writeln!(o, "{kind} '{}' {:?} {:?} -> pool[{}]+{} {} B {:?} {:?}", t.name, t.dtype, t.shape, s.pool, s.offset, s.size, s.elem, s.layout);
            }
        }
    }
    for (i, k) in m.kernels.iter().enumerate() {
        let _ = writeln!(o, "kernel[{i}] {} {:?} entry={} wg={:?} bindings={:?} code={} B", k.name, k.language, k.entry, k.workgroup_size, k.bindings, k.code.len);
    }
    if let Some(l) = &m.llm {
        let _ = writeln!(
            o,
            "llm {} vocab={} max_context={} prefill_tokens={} bos={:?} eos={:?} tokenizer={}",
            l.family,
            l.vocab_size,
            l.max_context,
            l.prefill_tokens,
            l.bos_token_id,
            l.eos_token_ids,
            l.tokenizer_json.as_ref().map_or("none".to_string(), |t| format!("{} B", t.len()))
        );
    }
    for prog in &m.programs {
        let names = |list: &[u32], of: &[u32]| -> String {
            list.iter().filter_map(|&i| of.get(i as usize)).filter_map(|&t| m.tensors.get(t as usize)).map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ")
        };
        let _ = writeln!(o, "program {} ({} dispatches) inputs [{}] outputs [{}]", prog.name, prog.dispatches.len(), names(&prog.inputs, &m.inputs), names(&prog.outputs, &m.outputs));
        for d in &prog.dispatches {
            let b: Vec<String> = d.bindings.iter().map(|b| format!("p{}+{}:{}", b.pool, b.offset, b.size)).collect();
            let side = d.side_after.map(|a| format!(" (second queue, from dispatch {a})")).unwrap_or_default();
            let _ = writeln!(o, "  {}k{} grid={:?} [{}]  # {}{side}", if d.barrier_before { "| " } else { "  " }, d.kernel, d.grid, b.join(" "), d.label);
        }
    }
    o
}

fn esc(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

pub fn json(view: &BundleView<'_>) -> String {
    let m = &view.manifest;
    let io = |list: &[u32]| -> String {
        list.iter()
            .filter_map(|&t| m.tensors.get(t as usize))
            .map(|t| format!("{{\"name\":{},\"dtype\":\"{:?}\",\"shape\":{:?}}}", esc(&t.name), t.dtype, t.shape))
            .collect::<Vec<_>>()
            .join(",")
    };
    format!(
        "{{\"format_version\":{},\"target\":{},\"api\":\"{}\",\"precision\":\"{:?}\",\"model\":{},\"kernels\":{},\"dispatches\":{},\"pools\":[{}],\"plan\":{{\"strategy\":{},\"naive_bytes\":{},\"planned_bytes\":{},\"lower_bound_bytes\":{}}},\"inputs\":[{}],\"outputs\":[{}],\"weights_bytes\":{}}}",
        view.header.version,
        esc(&m.target),
        m.api,
        m.precision,
        esc(&m.source_model),
        m.kernels.len(),
        m.programs.iter().map(|p| p.dispatches.len()).sum::<usize>(),
        m.pools
            .iter()
            .map(|p| {
                let image = p.image.map(|g| format!(",\"image\":{{\"kind\":\"{:?}\",\"width\":{},\"height\":{},\"elem\":\"{:?}\"}}", g.kind, g.width, g.height, g.elem)).unwrap_or_default();
                format!("{{\"name\":{},\"role\":\"{:?}\",\"size\":{}{image}}}", esc(&p.name), p.role, p.size)
            })
            .collect::<Vec<_>>()
            .join(","),
        esc(&m.plan.strategy),
        m.plan.naive_bytes,
        m.plan.planned_bytes,
        m.plan.lower_bound_bytes,
        io(&m.inputs),
        io(&m.outputs),
        view.header.weights.1
    )
}
