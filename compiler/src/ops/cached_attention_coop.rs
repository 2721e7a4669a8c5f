//! Prefill kernel of CachedAttention on cooperative matrices (`cached_attention_coop`):
//! one workgroup of 4 subgroups per head and block of 64 queries; the scores Q·Kᵀ and the
//! sums P·V run as 16 × 16 × 16 f16 products with f32 sums (tensor cores through SPIR-V
//! KHR_cooperative_matrix). Two passes over the keys (maxima and sums, then
//! probabilities and values) keep the output in matrix registers with no rescaling; with
//! `tuning.coop_attention_one_pass`, one pass whose maxima move lazily; with
//! `tuning.coop_attention_prefetch` the next key block's words are loaded while the current
//! block multiplies, and with `tuning.coop_attention_longest_first` a head's query blocks
//! run last (longest under the causal mask) first. For
//! f16 bundles on targets whose tuning asks for cooperative matrices in prefill.

use super::cached_attention::{CachedAttention, Geometry};
use crate::codegen::{helpers, CodegenError, KernelBuilder, KernelSpec, WorkgroupElem};
use crate::ir::TensorId;
use crate::target::{KernelLanguage, Precision};

/// Lanes: 4 subgroups of 32, 16 queries each.
const LANES: usize = 128;

/// Emits the kernel for `qkvp` writing `out`; false when the target or bundle does not
/// qualify, the head size is not a multiple of 16 in 16..=128, Q, K and V are not plain
/// f16 buffers, or the tiles do not fit workgroup memory (the caller then emits
/// `cached_attention_tiled`).
pub(crate) fn emit(att: &CachedAttention, kb: &mut KernelBuilder<'_>, g: &Geometry, qkvp: [TensorId; 4], out: TensorId) -> Result<bool, CodegenError> {
    let t = kb.target;
    let qualifies = t.tuning.prefill_cooperative_matrix && t.features.cooperative_matrix && t.kernel_language == KernelLanguage::Spirv && kb.precision == Precision::F16 && t.features.subgroup_size == 32;
    let d = g.d;
    if !qualifies || g.t < 2 || !d.is_multiple_of(16) || !(16..=128).contains(&d) || (kb.wg_cooperative_up_to(LANES as u32) as usize) < LANES {
        return Ok(false);
    }
    let [q, k, v, p] = qkvp;
    // With `tuning.coop_stage_halves` the f16 words are bound as vec4<f16> and staged as
    // read (`read_halves`), else unpacked through f32.
    let halves = t.tuning.coop_stage_halves;
    let words = |name: &str, t: TensorId| -> Result<Option<Vec<String>>, CodegenError> {
        let desc = kb.desc(name, t)?;
        let unpacked = helpers::word_vec4s(kb.lang, &desc).filter(|w| w.len() == 2 && desc.elem == "f16" && desc.is_plain_buffer());
        Ok(if halves { unpacked.map(|_| vec![format!("{}[2u * (WI)]", desc.var), format!("{}[2u * (WI) + 1u]", desc.var)]) } else { unpacked })
    };
    let (Some(qv), Some(kv), Some(vv)) = (words("q", q)?, words("k", k)?, words("v", v)?) else {
        return Ok(false);
    };
    let stride4 = (d + 8) / 4;
    // Score rows of drift_att_s: bkey floats, or bkey + 4 (`coop_attention_score_padding`).
    let pad = if t.tuning.coop_attention_score_padding { 4 } else { 0 };
    let shared = |bkey: usize| (2 * bkey * stride4 * 8 + 4 * 16 * (bkey + pad) * 4 + 4 * 16 * ((bkey + 8) / 4) * 8 + 256 * 4 + 16 + LANES * 4) as u32;
    let limit = t.limits.max_compute_shared_memory_size;
    // A key block must fit, and its rows of words must split evenly over the lanes (d = 80
    // with 32 keys would leave 64 of 320 words unloaded).
    let Some(bkey) = [64, 32].into_iter().find(|&b| shared(b) <= limit && (b * d / 8).is_multiple_of(LANES)) else {
        return Ok(false);
    };
    let pstride4 = (bkey + 8) / 4;
    let q_blocks = g.t.div_ceil(64);
    let spec = KernelSpec::cooperative("cached_attention_coop", (g.heads * q_blocks) as u64, LANES as u32)
        .uses_cooperative_matrix()
        .workgroup_array("drift_att_kv", WorkgroupElem::Vec4F16, (2 * bkey * stride4) as u32)
        .workgroup_array("drift_att_s", WorkgroupElem::F32, (4 * 16 * (bkey + pad)) as u32)
        .workgroup_array("drift_att_p", WorkgroupElem::Vec4F16, (4 * 16 * pstride4) as u32)
        .workgroup_array("drift_att_stats", WorkgroupElem::F32, 256);
    // One pass: per subgroup, whether a row's maximum moved (read by every lane at once);
    // the kernel shuffles and votes across subgroups.
    let spec = if t.tuning.coop_attention_one_pass { spec.workgroup_array("drift_att_flag", WorkgroupElem::U32, 4).uses_subgroup_arithmetic() } else { spec };
    let spec = if halves { spec.read_halves("q", q).read_halves("k", k).read_halves("v", v) } else { spec.read_words("q", q).read_words("k", k).read_words("v", v) };
    let spec = spec
        .read("position", p)
        .write("y", out)
        .param("qv", qv)
        .param("kv", kv)
        .param("vv", vv)
        .param("t", g.t)
        .param("q_blocks", q_blocks)
        .param("bkey", bkey)
        .param("sstride", bkey + pad)
        .param("stride4", stride4)
        .param("pstride4", pstride4)
        .param("v_at", bkey * stride4)
        .param("dfr", d / 16)
        .param("kfr", bkey / 16)
        .param("q_loads", 64 * d / 8 / LANES)
        .param("kv_loads", bkey * d / 8 / LANES)
        // `tuning.coop_attention_one_pass`: one pass (pass 2 of the template) instead of
        // maxima and sums (0) then probabilities and values (1); O is rescaled (when a
        // row's maximum moves by more than `tuning.coop_attention_rescale_margin`)
        // through a subgroup's score rows, as many 16-column fragments at a time as a row
        // holds (a divisor of d / 16).
        .param("one_pass", t.tuning.coop_attention_one_pass)
        // `tuning.coop_attention_prefetch`: the next key block's words in registers while
        // this one multiplies; `tuning.coop_attention_longest_first`: query blocks last first.
        .param("prefetch", t.tuning.coop_attention_prefetch)
        .param("longest_first", t.tuning.coop_attention_longest_first)
        .param("passes", if t.tuning.coop_attention_one_pass { vec![2] } else { vec![0, 1] })
        // One pass without a soft cap: Q staged times the scale (f16), so the scores come
        // out of the products scaled.
        .param("rescale_margin", t.tuning.coop_attention_rescale_margin)
        .param("prescaled", t.tuning.coop_attention_one_pass && att.softcap == 0.0)
        .param("o_round", (1..=(bkey + pad) / 16).rev().find(|r| (d / 16).is_multiple_of(*r)).unwrap_or(1));
    // A padded chunk (`live`): query blocks past its last row return, no key past it is read.
    kb.emit(att.common_params(kb.read_last_row(spec), g));
    Ok(true)
}
