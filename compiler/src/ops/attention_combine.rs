//! AttentionCombine (driftc-internal, built by the LLM frontend for decode): merges the
//! per-split partials of [`super::cached_attention_split`] ([1, H, T, S, D + 2]: D
//! unnormalized values, the split's max m and its sum l) into the attention output
//! [1, H, T, D]: with M the largest m, y = Σ e^(m−M)·acc / Σ e^(m−M)·l. One invocation per
//! output element.

use std::any::Any;

use super::{arg, fact, invalid, Fact, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::ir::{numel, TensorId, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct AttentionCombine;

/// (H, T, S, D) of a partials shape.
fn dims(x: &[usize]) -> Result<(usize, usize, usize, usize), OpError> {
    match *x {
        [1, h, t, s, w] if w > 2 && s > 0 => Ok((h, t, s, w - 2)),
        _ => Err(invalid(format!("partials {x:?} must be [1, H, T, S, D + 2]"))),
    }
}

impl Op for AttentionCombine {
    fn op_type(&self) -> &'static str {
        "AttentionCombine"
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let x = fact(inputs, 0, "partials")?;
        let (h, t, _, d) = dims(x.shape)?;
        Ok(vec![OutFact::new(x.dtype, vec![1, h, t, d])])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let x = arg(inputs, 0, "partials")?;
        let (h, t, s, d) = dims(&x.shape)?;
        let xs = x.as_f32();
        let mut out = vec![0f32; h * t * d];
        for (r, y) in out.chunks_mut(d).enumerate() {
            let cells: Vec<&[f32]> = (0..s).map(|i| &xs[(r * s + i) * (d + 2)..][..d + 2]).collect();
            let mx = cells.iter().map(|c| c[d]).fold(f32::MIN, f32::max);
            let den: f32 = cells.iter().map(|c| (c[d] - mx).exp() * c[d + 1]).sum();
            for (e, v) in y.iter_mut().enumerate() {
                *v = cells.iter().map(|c| (c[d] - mx).exp() * c[e]).sum::<f32>() / den;
            }
        }
        Ok(vec![Value::from_f32_as(x.dtype, vec![1, h, t, d], out)])
    }
    fn kernels(&self, kb: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (x, y) = (kb.input(0)?, kb.output(0)?);
        emit(kb, x, y)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Emits the kernel merging partials `x` into `y` (also for a split attention that
/// combines its own partials where the last-workgroup form is not available).
pub(crate) fn emit(kb: &mut KernelBuilder<'_>, x: TensorId, y: TensorId) -> Result<(), CodegenError> {
    let (h, t, s, d) = dims(kb.shape(x)).map_err(|e| kb.err(e.to_string()))?;
    let rows = vec![h, t, d];
    let spec = KernelSpec::new("attention_combine", numel(&rows).unwrap_or(0) as u64, kb.wg_elementwise())
        .read("x", x)
        .write("y", y)
        .param("rows", rows)
        .param("splits", s)
        .param("m_at", format!("{d}u"))
        .param("l_at", format!("{}u", d + 1));
    kb.emit(spec);
    Ok(())
}
