//! RMSNormalization (opset 23): y = x / sqrt(mean(x² over axes [axis..]) + epsilon) · scale,
//! the scale broadcast (numpy rules) against x.
//!
//! The kernel (`rms_norm`) runs one invocation per row (the axes before `axis`) and walks
//! the row twice through full coordinates, so any layout works (no reshaped views).

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, broadcast, fact, norm_axis, Fact, ImportFn, Op, OpError, OutFact};
use crate::codegen::{helpers, CodegenError, KernelBuilder, KernelSpec, Lang};
use crate::ir::{numel, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct RmsNorm {
    pub axis: i64,
    pub epsilon: f32,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    // `stash_type` picks the precision of the statistics; they are f32 here in any case.
    reg.insert("RMSNormalization", |n| Ok(Box::new(RmsNorm { axis: n.int_or("axis", -1)?, epsilon: n.float_or("epsilon", 1e-5)? })));
}

impl RmsNorm {
    fn axis(&self, rank: usize) -> Result<usize, OpError> {
        norm_axis(self.axis, rank).map_err(|e| OpError::Attribute { name: "axis".into(), message: e.to_string() })
    }
}

impl RmsNorm {
    /// `spec` with param `words`: true (and `row_words`, `scale_word`) where OpenCL rows of
    /// f16 whole 16-byte words along the last axis, with a plain scale of one row and no
    /// fused epilogue, can be read and written a word at a time. Scalar halves cost NVIDIA
    /// an instruction stream per element: an 8B prefill chunk's two norms per layer (1024
    /// rows of 4096) took 26 us on an H200 read that way, 16 us in words.
    fn words(&self, k: &KernelBuilder<'_>, spec: KernelSpec, last_axis: bool, len: usize) -> Result<KernelSpec, CodegenError> {
        let (x, s, y) = (k.input(0)?, k.input(1)?, k.output(0)?);
        let (xd, sd, yd) = (k.desc("x", x)?, k.desc("scale", s)?, k.desc("y", y)?);
        let plain = xd.is_plain_buffer() && yd.is_plain_buffer() && sd.is_plain_buffer();
        let fits = k.lang == Lang::OpenclC && last_axis && len.is_multiple_of(8) && len > 0 && xd.elem == "f16" && yd.elem == "f16" && numel(k.shape(s)) == Some(len);
        Ok(match helpers::float8_at(&sd) {
            Some(sw) if plain && fits && k.node.epilogue.is_empty() => spec.param("words", true).param("row_words", len / 8).param("scale_word", sw),
            _ => spec.param("words", false),
        })
    }
}

impl Op for RmsNorm {
    fn weight_slots(&self) -> Vec<usize> {
        vec![1]
    }
    fn op_type(&self) -> &'static str {
        "RMSNormalization"
    }
    fn attrs(&self) -> String {
        format!("axis={},epsilon={}", self.axis, self.epsilon)
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let (x, s) = (fact(inputs, 0, "X")?, fact(inputs, 1, "scale")?);
        self.axis(x.shape.len())?;
        if broadcast::shape(&[x.shape, s.shape])? != x.shape {
            return Err(super::invalid(format!("scale {:?} does not broadcast to X {:?}", s.shape, x.shape)));
        }
        Ok(vec![OutFact::new(x.dtype, x.shape.to_vec())])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let (x, s) = (arg(inputs, 0, "X")?, arg(inputs, 1, "scale")?);
        let a = self.axis(x.shape.len())?;
        let len: usize = x.shape[a..].iter().product();
        let (xs, ss) = (x.as_f32(), s.as_f32());
        let map = broadcast::index_map(&s.shape, &x.shape);
        let mut out = vec![0f32; xs.len()];
        for (r, row) in xs.chunks(len.max(1)).enumerate() {
            let ms = row.iter().map(|&v| v as f64 * v as f64).sum::<f64>() / len.max(1) as f64;
            let inv = 1.0 / (ms + self.epsilon as f64).sqrt();
            for (j, &v) in row.iter().enumerate() {
                let e = r * len + j;
                out[e] = ((v as f64 * inv) as f32) * ss[map[e]];
            }
        }
        Ok(vec![Value::from_f32_as(x.dtype, x.shape.clone(), out)])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (x, s, y) = (k.input(0)?, k.input(1)?, k.output(0)?);
        let shape = k.shape(x).to_vec();
        let a = self.axis(shape.len()).map_err(|e| k.err(e.to_string()))?;
        let (rows, norm) = (shape[..a].to_vec(), shape[a..].to_vec());
        let row_names: Vec<String> = (0..a).map(|d| format!("c{d}")).collect();
        let norm_names: Vec<String> = (a..shape.len()).map(|d| format!("c{d}")).collect();
        let idx: Vec<String> = row_names.iter().chain(&norm_names).cloned().collect();
        let refs: Vec<&str> = idx.iter().map(String::as_str).collect();
        // One workgroup per row: a decode step normalizes a single row, which one lane
        // looping over it would leave the GPU idle for.
        let wg = k.wg_cooperative();
        let spec = KernelSpec::cooperative("rms_norm", numel(&rows).unwrap_or(0) as u64, wg)
            .read("x", x)
            .read("scale", s)
            .write("y", y)
            .param("rows", rows)
            .param("row_names", row_names)
            .param("norm", norm.clone())
            .param("norm_names", norm_names)
            .param("idx", idx.clone())
            .param("len", numel(&norm).unwrap_or(0))
            .param("epsilon", self.epsilon)
            .param("wg", wg)
            .param("half_wg", wg / 2)
            .epilogue_at(&refs);
        let spec = self.words(k, spec, a + 1 == shape.len(), numel(&norm).unwrap_or(0))?;
        // A padded chunk's rows past last_row (a row axis: one workgroup per row) return.
        let spec = k.row_guard(spec, |axis| (axis < a).then(|| format!("c{axis}")))?;
        k.emit(spec);
        Ok(())
    }
    fn accepts_epilogue(&self) -> bool {
        true
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_and_broadcast_scale() {
        // Rows [3, 4] (rms 3.5355339) and [0, 0] (rms sqrt(eps)).
        let x = Value::f32(vec![2, 2], vec![3., 4., 0., 0.]);
        let s = Value::f32(vec![2], vec![1., 2.]);
        let y = RmsNorm { axis: -1, epsilon: 0.0 }.eval(&[Some(&x), Some(&s)]).expect("eval").remove(0).as_f32();
        let r = 12.5f32.sqrt();
        assert!((y[0] - 3. / r).abs() < 1e-6 && (y[1] - 8. / r).abs() < 1e-6, "{y:?}");
        assert!(y[2].is_nan(), "0/0 without epsilon: {y:?}");
        let y = RmsNorm { axis: 0, epsilon: 1.0 }.eval(&[Some(&x), Some(&Value::f32(vec![], vec![2.]))]).expect("eval").remove(0).as_f32();
        // Over all 4 elements: mean square 6.25, plus 1 → sqrt 7.25.
        let r = 7.25f32.sqrt();
        assert!((y[0] - 6. / r).abs() < 1e-6 && (y[1] - 8. / r).abs() < 1e-6 && y[2] == 0., "{y:?}");
        let facts = [Some(Fact { dtype: crate::ir::DType::F32, shape: &[2, 2], value: None }), Some(Fact { dtype: crate::ir::DType::F32, shape: &[3], value: None })];
        assert!(RmsNorm { axis: -1, epsilon: 0.0 }.infer(&facts).is_err());
    }
}
