//! Cast between float, integer and boolean element types.

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, fact, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec, Lang};
use crate::front::onnx::tensor::{dtype_name, dtype_of};
use crate::ir::{numel, value::is_float, DType, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Cast {
    pub to: DType,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("Cast", |n| {
        let code = n.int("to")?.ok_or(OpError::Attribute { name: "to".into(), message: "missing".into() })?;
        let code = i32::try_from(code).map_err(|_| OpError::Attribute { name: "to".into(), message: format!("{code} is not a type") })?;
        // bfloat16 is held as f32 here; casting to it would need bf16 rounding.
        let (to, _) = dtype_of(code).filter(|_| code != 16).ok_or_else(|| OpError::Unsupported(format!("Cast to {}", dtype_name(code))))?;
        Ok(Box::new(Cast { to }))
    });
}

impl Op for Cast {
    fn op_type(&self) -> &'static str {
        "Cast"
    }
    fn attrs(&self) -> String {
        format!("to={:?}", self.to).to_lowercase()
    }
    fn infer(&self, inputs: &[Option<super::Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        Ok(vec![OutFact::new(self.to, fact(inputs, 0, "input")?.shape.to_vec())])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let x = arg(inputs, 0, "input")?;
        let v = if is_float(self.to) {
            Value::from_f32_as(self.to, x.shape.clone(), x.as_f32())
        } else if self.to == DType::Bool {
            Value::bool(x.shape.clone(), x.as_f32().iter().map(|&v| v != 0.0).collect())
        } else {
            let mut v = Value::i64(x.shape.clone(), x.as_i64());
            v.dtype = self.to;
            v
        };
        Ok(vec![v])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        // Accessors read every element type as f32 and convert on store (integers
        // truncate toward zero, as ONNX Cast does); booleans need an explicit test.
        // Integer values beyond 2^24 lose precision on the device.
        let to_bool = self.to == DType::Bool;
        // OpenCL int8 to f16 in words (a q8 weight widened per prefill chunk,
        // `passes::widen_prefill_weights`): 8 values per work-item, so that a subgroup's
        // loads and stores are each contiguous. (One 16-value word per work-item, its two
        // stores 32 bytes apart across lanes, streamed an 8B-shaped gate weight at 2.7 TB/s
        // on an H200; four such words per work-item took twice as long.)
        let (x, y) = (k.input(0)?, k.output(0)?);
        let (xd, yd) = (k.desc("x", x)?, k.desc("y", y)?);
        let n = numel(k.shape(x)).unwrap_or(0);
        if k.lang == Lang::OpenclC && k.node.epilogue.is_empty() && xd.elem == "i8" && yd.elem == "f16" && xd.is_plain_buffer() && yd.is_plain_buffer() && n > 0 && n.is_multiple_of(8) {
            k.emit(KernelSpec::new("widen_words", (n / 8) as u64, k.wg_elementwise()).read("x", x).write("y", y));
            return Ok(());
        }
        super::elementwise::emit(k, 1, |lang, args| {
            let v = args.first().cloned().unwrap_or_default();
            if to_bool {
                lang.select(&format!("{v} != {}", lang.f(0.0)), &lang.f(1.0), &lang.f(0.0))
            } else {
                v
            }
        })
    }
    fn accepts_epilogue(&self) -> bool {
        true
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
