//! `driftc generate`: text generation with an LLM bundle through runtime-min's `Generator`.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};
use runtime_min::{Bundle, Generator, Sampling, SessionOptions};

pub struct Args<'a> {
    pub bundle: &'a Path,
    pub prompt: Option<&'a str>,
    pub prompt_ids: Option<&'a [u32]>,
    pub max_new_tokens: usize,
    pub sampling: Sampling,
    pub json: bool,
    pub bench: bool,
    pub ignore_eos: bool,
    pub profile: bool,
    pub profile_dispatches: bool,
    pub save_logits: Option<&'a Path>,
    pub device: Option<usize>,
    pub spin_wait_us: u32,
    pub pipeline_stats: bool,
    /// Untimed generations before the timed one (`--warmup`).
    pub warmup: usize,
    /// `--no-robust-buffer-access`.
    pub no_robust_buffer_access: bool,
    /// `--step-by-step`: greedy decode steps not chained on the device.
    pub step_by_step: bool,
}

/// One kernel's share of a decode step: (kernel name without its index, dispatches, ns).
fn profile_rows(times: &[runtime_min::DispatchTime]) -> Vec<(String, usize, u64)> {
    let mut rows: Vec<(String, usize, u64)> = Vec::new();
    for t in times {
        // "matvec_f16_34" → "matvec_f16": dispatches of one template and element type.
        let name = match t.kernel.rsplit_once('_') {
            Some((head, idx)) if idx.chars().all(|c| c.is_ascii_digit()) => head.to_string(),
            _ => t.kernel.clone(),
        };
        match rows.iter_mut().find(|r| r.0 == name) {
            Some(r) => {
                r.1 += 1;
                r.2 += t.ns;
            }
            None => rows.push((name, 1, t.ns)),
        }
    }
    rows.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    rows
}

pub fn run(a: &Args<'_>) -> Result<()> {
    let b = Bundle::open(a.bundle)?;
    let mut g = Generator::new(&b, &SessionOptions { device_index: a.device, profile: a.profile, spin_wait_us: a.spin_wait_us, pipeline_statistics: a.pipeline_stats, no_robust_buffer_access: a.no_robust_buffer_access, ..SessionOptions::default() })?;
    for note in g.session().launch_notes() {
        eprintln!("note: {note}");
    }
    if a.pipeline_stats {
        let stats = g.session().kernel_statistics();
        if stats.is_empty() {
            eprintln!("--pipeline-stats: {} reports no kernel statistics (Vulkan: VK_KHR_pipeline_executable_properties)", g.session().device_name());
        }
        for (kernel, list) in stats {
            let text: Vec<String> = list.iter().map(|(k, v)| format!("{k}={v}")).collect();
            eprintln!("{kernel}: {}", text.join(", "));
        }
    }
    g.set_ignore_eos(a.ignore_eos);
    g.set_keep_logits(a.save_logits.is_some());
    // (A profiled run times its steps one by one.)
    g.set_pipelined(!a.step_by_step && !a.profile);
    let tok = driftc::tokenizer::Tokenizer::from_spec(g.spec()).context("reading the bundle's tokenizer")?;
    let prompt: Vec<u32> = match (a.prompt, a.prompt_ids) {
        (Some(text), _) => match &tok {
            Some(t) => t.encode_chat(text, g.spec().bos_token_id)?,
            None => bail!("{}: the bundle carries no tokenizer.json (or driftc was built without the `tokenizer` feature); use --prompt-ids", a.bundle.display()),
        },
        (None, Some(ids)) => ids.to_vec(),
        (None, None) => bail!("give --prompt or --prompt-ids"),
    };
    // Warm-up generations: the prompt and up to two new tokens (both programs run), the
    // cache then forgotten. The first one's prompt rate is the cold one.
    let mut cold_prefill_tok_s = None;
    for _ in 0..a.warmup {
        let w = g.generate(&prompt, a.max_new_tokens.min(2), &a.sampling, &[], |_| true)?;
        cold_prefill_tok_s.get_or_insert(w.prefill_tokens_per_second());
        g.reset();
    }
    let stream = !a.json && tok.is_some();
    let mut shown = String::new();
    let mut so_far: Vec<u32> = Vec::new();
    let r = g.generate(&prompt, a.max_new_tokens, &a.sampling, &[], |id| {
        so_far.push(id);
        if stream {
            if let Some(t) = &tok {
                // Decode everything so far and print what is new (multi-byte tokens join up).
                if let Ok(text) = t.decode(&so_far) {
                    if let Some(new) = text.strip_prefix(shown.as_str()) {
                        print!("{new}");
                        let _ = std::io::stdout().flush();
                        shown = text;
                    }
                }
            }
        }
        true
    })?;
    if let Some(path) = a.save_logits {
        let v = driftc::ir::Value::f32(vec![r.last_logits.len()], r.last_logits.clone());
        driftc::npy::write(path, &v).with_context(|| format!("writing {}", path.display()))?;
    }
    let text = match &tok {
        Some(t) => Some(t.decode(&r.ids)?),
        None => None,
    };
    // The last program run is timed: a decode step, or with one new token the last
    // prefill chunk.
    let what = if r.decode_steps > 0 { "last decode step" } else { "last prefill chunk" };
    let profile = if a.profile {
        match g.session().last_profile()? {
            Some(times) => {
                if a.profile_dispatches {
                    eprintln!("{what}, every dispatch:\n| # | node | kernel | us |\n|---|---|---|---|");
                    for (i, t) in times.iter().enumerate() {
                        eprintln!("| {i} | {} | {} | {:.1} |", t.label, t.kernel, t.ns as f64 / 1e3);
                    }
                }
                Some(profile_rows(&times))
            }
            None => {
                eprintln!("--profile: nothing was timed (it needs a device with timestamps: Vulkan, or OpenCL with a profiling queue)");
                None
            }
        }
    } else {
        None
    };
    // Microseconds per decode step of a time summed over the steps.
    let per_step = |seconds: f64| if r.decode_steps > 0 { seconds * 1e6 / r.decode_steps as f64 } else { 0.0 };
    if a.json {
        let mut o = serde_json::json!({
            "ids": r.ids,
            "prefill_tok_s": r.prefill_tokens_per_second(),
            "decode_tok_s": r.decode_tokens_per_second(),
            "decode_us_per_token": per_step(r.decode_seconds),
            "decode_run_us_per_token": per_step(r.decode_run_seconds),
            "decode_gpu_us_per_token": per_step(r.decode_gpu_seconds),
            "decode_chained": r.decode_chained,
            "warmup": a.warmup,
            "cold_prefill_tok_s": cold_prefill_tok_s,
        });
        if let (Some(t), Some(map)) = (text, o.as_object_mut()) {
            map.insert("text".into(), serde_json::Value::String(t));
        }
        if let (Some(rows), Some(map)) = (&profile, o.as_object_mut()) {
            let list: Vec<serde_json::Value> = rows.iter().map(|(k, n, ns)| serde_json::json!({ "kernel": k, "dispatches": n, "us": *ns as f64 / 1e3 })).collect();
            map.insert(if r.decode_steps > 0 { "decode_profile" } else { "prefill_profile" }.into(), serde_json::Value::Array(list));
        }
        println!("{o}");
        return Ok(());
    }
    if stream {
        println!();
    } else {
        println!("{}", r.ids.iter().map(u32::to_string).collect::<Vec<_>>().join(","));
    }
    if let Some(rows) = &profile {
        let total: u64 = rows.iter().map(|r| r.2).sum();
        eprintln!("{what} on {}: {:.1} us of GPU time\n| kernel | dispatches | us | share |\n|---|---|---|---|", g.session().device_name(), total as f64 / 1e3);
        for (k, n, ns) in rows {
            eprintln!("| {k} | {n} | {:.1} | {:.1}% |", *ns as f64 / 1e3, 100.0 * *ns as f64 / total.max(1) as f64);
        }
    }
    if a.bench {
        eprintln!(
            "device: {} | prompt {} tokens in {:.3} s ({:.1} tok/s) | {} decode steps in {:.3} s ({:.1} tok/s){}",
            g.session().device_name(),
            r.prompt_tokens,
            r.prefill_seconds,
            r.prefill_tokens_per_second(),
            r.decode_steps,
            r.decode_seconds,
            r.decode_tokens_per_second(),
            if r.stopped { " | stopped at a stop token" } else { "" }
        );
        if let Some(cold) = cold_prefill_tok_s {
            eprintln!("after {} warm-up generation(s); the first one's prompt: {cold:.1} tok/s", a.warmup);
        }
        if r.decode_steps > 0 && r.decode_chained {
            eprintln!("per decode step: {:.1} us (steps chained on the device, so not split into run and host time; --step-by-step splits it)", per_step(r.decode_seconds));
        } else if r.decode_steps > 0 {
            eprintln!(
                "per decode step: {:.1} us = {:.1} us in the run (GPU {:.1} us) + {:.1} us on the host between runs",
                per_step(r.decode_seconds),
                per_step(r.decode_run_seconds),
                per_step(r.decode_gpu_seconds),
                per_step(r.decode_seconds - r.decode_run_seconds)
            );
        }
    }
    Ok(())
}

/// `driftc perplexity`: one JSON object with the token count, perplexity and timing.
pub fn perplexity(bundle: &Path, text: &Path, tokens: usize, top1_out: Option<&Path>, device: Option<usize>) -> Result<()> {
    let b = Bundle::open(bundle)?;
    let mut g = Generator::new(&b, &SessionOptions { device_index: device, ..SessionOptions::default() })?;
    let tok = driftc::tokenizer::Tokenizer::from_spec(g.spec())?.with_context(|| format!("{}: the bundle carries no tokenizer", bundle.display()))?;
    let body = std::fs::read_to_string(text).with_context(|| format!("reading {}", text.display()))?;
    let mut ids = tok.encode(&body)?;
    ids.truncate(tokens);
    if ids.len() < 2 {
        bail!("{}: fewer than 2 tokens", text.display());
    }
    let start = std::time::Instant::now();
    let s = g.score(&ids)?;
    let secs = start.elapsed().as_secs_f64();
    if let Some(path) = top1_out {
        let v = driftc::ir::Value::i64(vec![s.top1.len()], s.top1.iter().map(|&x| i64::from(x)).collect());
        driftc::npy::write(path, &v)?;
    }
    println!("{}", serde_json::json!({ "tokens": ids.len(), "predicted": s.log_probs.len(), "perplexity": s.perplexity(), "seconds": secs }));
    Ok(())
}
